"""The error catalogue: every known Xero message and HTTP failure maps to an entry
with the right kind, cause and resolution; unknown messages stay verbatim."""

import re

import pytest

from xero_connector.xero import catalogue
from xero_connector.xero.catalogue import KINDS, PERMANENT, RATE_LIMITED, TRANSIENT
from xero_connector.xero.errors import DayLimitReached, XeroValidationError

# (Xero's message, expected entry key): the messages the connector can meet, word for word.
MESSAGES = [
	(
		"The Account Number already exists. Please enter a different Account Number.",
		"contact_account_number_exists",
	),
	("Invoice # must be unique.", "invoice_number_not_unique"),
	("Credit Note # must be unique.", "credit_note_number_not_unique"),
	("Account code '999' is not a valid code for this document.", "account_code_invalid"),
	("Account code or ID must be specified.", "account_code_invalid"),
	(
		"Account code '205' has been archived, or has been deleted. Each line item must reference a valid account.",
		"account_code_archived",
	),
	("Account code '610' is not a revenue account.", "account_code_not_revenue"),
	(
		"The TaxType code XYZ does not exist or cannot be used for this type of transaction.",
		"tax_type_invalid",
	),
	("The TaxType code 'INPUT2' cannot be used with account code '200'.", "tax_type_invalid"),
	("Organisation is not subscribed to currency USD", "currency_not_enabled"),
	(
		"The contact name Acme Ltd is already assigned to another contact. "
		"The contact name must be unique across all active contacts.",
		"contact_name_duplicate",
	),
	(
		"The contact with the specified contact details has been archived. "
		"The contact must be un-archived before creating new invoices or credit notes.",
		"contact_archived",
	),
	(
		"The specified contact details matched an archived contact. "
		"Archived contacts cannot currently be edited via the API.",
		"contact_archived",
	),
	("A Contact must be specified for this type of transaction", "contact_required"),
	("Contact Name cannot be empty.", "contact_name_required"),
	("The contact with the specified contact details could not be found.", "contact_not_found"),
	("Invoice not of valid status for modification", "document_status_not_modifiable"),
	("Invoice not of valid status for creation", "document_status_not_modifiable"),
	(
		"This document cannot be edited as it has a payment or credit note allocated to it.",
		"document_has_payments",
	),
	(
		"The status SUBMITTED cannot be applied to the invoice because it has payments or credit notes allocated",
		"document_has_payments",
	),
	("Payment amount exceeds the amount outstanding on this document", "amount_exceeds_outstanding"),
	(
		"Credit Note cannot be allocated as amount is greater than amount outstanding",
		"amount_exceeds_outstanding",
	),
	("The amount allocated cannot be greater than the remaining credit.", "amount_exceeds_outstanding"),
	("The invoice you are trying to allocate to has already been paid off", "allocation_invoice_paid"),
	("Payments can only be made against Authorised documents", "payment_document_not_authorised"),
	(
		"Payments can only be made to a bank account or an account with Enable payments to this account set.",
		"payment_account_invalid",
	),
	("Account type is invalid for making a payment to/from", "payment_account_invalid"),
	("One or more line items must be specified", "line_items_required"),
	("The Description field is mandatory for each line item.", "line_items_required"),
	("The Total for this document must be greater than or equal to zero.", "negative_total"),
	("Due date cannot be empty.", "due_date_required"),
	("The document DueDate field must be specified.", "due_date_required"),
	("The tax amount cannot be greater than the line amount!", "tax_amount_invalid"),
	("Item code 'WIDGET' is not valid.", "item_code_invalid"),
	("A maximum of 50 Invoices can be submitted in a single request.", "too_many_elements"),
	("The document date cannot be before the period lock date.", "period_locked"),
	("Email address must be valid.", "email_invalid"),
	("Idempotency Key push-1 is used with a different request.", "idempotency_key_reused"),
	("Idempotency-Key must not be longer than 128 characters.", "idempotency_key_too_long"),
]


@pytest.mark.parametrize("message,key", MESSAGES)
def test_each_known_message_maps_to_its_entry(message, key):
	entry = catalogue.match_message(message)
	assert entry.key == key
	assert entry.kind == PERMANENT
	assert entry.cause and entry.resolution


def test_the_two_product_messages_have_the_documented_cause_and_resolution():
	account = catalogue.match_message(
		"The Account Number already exists. Please enter a different Account Number."
	)
	assert "name differs" in account.cause and "account number" in account.cause
	assert "name" in account.resolution and "billing account code" in account.resolution
	duplicate = catalogue.match_message("Invoice # must be unique.")
	assert "already in Xero" in duplicate.cause
	assert "Link" in duplicate.resolution and "rather than create" in duplicate.resolution


def test_every_validation_entry_example_matches_itself_and_the_catalogue_is_large():
	assert len(catalogue.ENTRIES) >= 20
	keys = [e.key for e in catalogue.ENTRIES]
	assert len(keys) == len(set(keys)), "entry keys must be unique"
	for entry in catalogue.VALIDATION_ENTRIES:
		assert entry.example, entry.key
		assert catalogue.match_message(entry.example) is entry, entry.key
	for entry in catalogue.ENTRIES:
		assert entry.kind in KINDS
		assert entry.cause.strip() and entry.resolution.strip()
		if entry.pattern:
			re.compile(entry.pattern)


def test_unknown_messages_are_permanent_and_kept_verbatim():
	text = "Something Xero never said before (code 42)."
	entry = catalogue.match_message(text)
	assert entry.key == "validation_unknown" and entry.kind == PERMANENT
	error = XeroValidationError([text])
	assert error.messages == [text]
	assert text in str(error) and entry.cause in str(error)


@pytest.mark.parametrize(
	"status,detail,problem,key,kind",
	[
		(400, "A validation exception occurred", None, "validation_exception", PERMANENT),
		(400, "Bad JSON", None, "bad_request", PERMANENT),
		(401, "TokenExpired: token expired at 01/01/2026 00:30:00", None, "token_expired", TRANSIENT),
		(401, "AuthenticationUnsuccessful", None, "authentication_unsuccessful", "needs_reauthorisation"),
		(403, "AuthenticationUnsuccessful", None, "tenant_not_connected", "needs_reauthorisation"),
		(403, "insufficient_scope", None, "insufficient_scope", "needs_reauthorisation"),
		(404, "The resource you're looking for cannot be found", None, "not_found", PERMANENT),
		(413, None, None, "request_too_large", PERMANENT),
		(429, None, "minute", "rate_limit_minute", RATE_LIMITED),
		(429, None, "day", "rate_limit_day", RATE_LIMITED),
		(429, None, "concurrent", "rate_limit_concurrent", RATE_LIMITED),
		(429, None, "appminute", "rate_limit_app_minute", RATE_LIMITED),
		(500, None, None, "server_error", TRANSIENT),
		(501, None, None, "not_implemented", PERMANENT),
		(502, None, None, "bad_gateway", TRANSIENT),
		(503, None, None, "service_unavailable", TRANSIENT),
		(504, None, None, "gateway_timeout", TRANSIENT),
	],
)
def test_http_failures_map_to_entries(status, detail, problem, key, kind):
	entry = catalogue.for_http(status, detail, problem)
	assert (entry.key, entry.kind) == (key, kind)


@pytest.mark.parametrize(
	"error,key,kind",
	[
		("invalid_grant", "invalid_grant", "needs_reauthorisation"),
		("invalid_client", "invalid_client", PERMANENT),
		("unauthorized_client", "invalid_client", PERMANENT),
		("invalid_scope", "invalid_scope", PERMANENT),
		("access_denied", "access_denied", PERMANENT),
	],
)
def test_oauth_errors_map_to_entries(error, key, kind):
	entry = catalogue.for_oauth_error(error)
	assert (entry.key, entry.kind) == (key, kind)


def test_transport_failures_are_transient():
	for key in ("timeout", "connection_dropped"):
		assert catalogue.get(key).kind == TRANSIENT


def test_exception_text_shows_xeros_message_cause_and_resolution():
	message = "Invoice # must be unique."
	error = XeroValidationError([message], status=400)
	text = str(error)
	assert message in text
	assert catalogue.get("invoice_number_not_unique").cause in text
	assert catalogue.get("invoice_number_not_unique").resolution in text
	assert error.kind == PERMANENT and not error.retryable


def test_day_limit_error_says_when_to_resume():
	error = DayLimitReached(1_767_312_000.0)  # 2026-01-02 00:00:00 UTC
	assert error.kind == RATE_LIMITED and error.retryable
	assert "2026-01-02 00:00:00 UTC" in str(error)
	assert error.resume_at_datetime.year == 2026


def test_a_hostile_message_is_read_only_as_far_as_a_real_one_goes():
	"""Matching is bounded by MATCH_CHARS whatever the message's size (a 200 KB message
	shaped to make the patterns backtrack took 18 s to match before): a phrase placed
	after that many characters is not looked for."""
	from xero_connector.xero import catalogue

	late = "account " * 25_000 + "Account code '260' has been archived"
	assert catalogue.match_message(late).key == catalogue.UNKNOWN_VALIDATION.key
	early = "Account code '260' has been archived " + "account " * 25_000
	assert catalogue.match_message(early).key != catalogue.UNKNOWN_VALIDATION.key


def test_a_real_message_is_still_matched_at_the_start_of_a_long_one():
	from xero_connector.xero import catalogue

	message = "Account code '260' has been archived, or is not a valid account. " + "x" * 100_000
	assert catalogue.match_message(message).key != catalogue.UNKNOWN_VALIDATION.key


def test_403_authorization_unsuccessful_is_a_missing_scope():
	"""The strict sandbox (and Xero) answers a token without the endpoint's scope with 403
	AuthorizationUnsuccessful; a tenant not connected is 403 AuthenticationUnsuccessful."""
	from xero_connector.xero import catalogue

	assert catalogue.for_http(403, "AuthorizationUnsuccessful").key == "insufficient_scope"
	assert catalogue.for_http(403, "AuthenticationUnsuccessful").key == "tenant_not_connected"

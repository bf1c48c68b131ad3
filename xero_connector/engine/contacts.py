"""Contact resolution: which Xero Contact an ERPNext Customer bills to.

Rules, first hit wins (DESIGN.md): stored ContactID → ``AccountNumber`` equal to the
Customer's billing account code → exact name → create the contact with that
``AccountNumber`` (a customer without a code is matched by name, or created by name).
One read serves up to :data:`LOOKUP_CHUNK` customers (a ``where`` clause); beyond that all
contacts are read once, 1,000 a page; and
missing contacts are created ≤50 per request, so resolving many customers costs
few calls. Each newly resolved customer gets a log row ("contact") naming the rule.

Called by :mod:`.push` for the customers of the documents it is about to send.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

from xero_connector.engine.archived_contacts import explain_archived
from xero_connector.engine.keys import batch_key, idempotency_key, payload_hash
from xero_connector.engine.log import Outcome, explain
from xero_connector.engine.xero_port import chunks, element_errors
from xero_connector.xero.errors import XeroValidationError

LOOKUP_CHUNK = 40  # most customers looked up by a where clause (two terms each) in one GET /Contacts


@dataclass
class Resolution:
	"""How one Customer was matched, or why it could not be."""

	customer: str
	contact_id: str | None = None
	rule: str | None = None  # stored | account_number | name | created
	messages: list[str] = field(default_factory=list)
	cause: str | None = None
	resolution: str | None = None
	unknown: bool = False  # Xero's answer did not say whether the contact was created: retry later

	@property
	def ok(self) -> bool:
		return self.contact_id is not None


def customer_key(customer: str, ctx) -> tuple[str, str | None]:
	"""(Xero contact name, billing account code) of an ERPNext Customer, from a MappingContext."""
	master = ctx.masters.customers.get(customer) or {}
	code = master.get(ctx.settings.billing_code_field) or None
	return (master.get("customer_name") or customer).strip(), (str(code).strip() if code else None)


def resolve_contacts(
	engine, keys: dict[str, tuple[str, str | None]], doctype: str = "Customer"
) -> dict[str, Resolution]:
	"""Resolve every customer in ``keys`` (customer → (name, billing code), see :func:`customer_key`);
	returns one :class:`Resolution` per customer. Raises the client's errors for failed reads.
	``doctype`` "Supplier": the keys are Suppliers (issue 16), matched by the same rules."""
	results: dict[str, Resolution] = {}
	unknown = _stored(engine, list(keys), results, doctype)
	if not unknown:
		return results
	with _hold(engine, unknown, doctype):
		# another worker may have linked or created them while this one waited: the stored IDs
		# again, then Xero itself (by account number and name) before anything is created
		unknown = _stored(engine, unknown, results, doctype)
		if unknown:
			to_create = _match_existing(engine, {c: keys[c] for c in unknown}, results)
			_create(engine, {c: keys[c] for c in to_create}, results)
			for customer in unknown:
				_log(engine, results[customer], doctype)
	return results


def _stored(
	engine, customers: list[str], results: dict[str, Resolution], doctype: str = "Customer"
) -> list[str]:
	"""Customers whose ContactID the host has go into ``results``; returns the others."""
	unknown = []
	for customer in customers:
		stored = _host_args(engine.host.get_contact_id, customer, doctype)
		if stored:
			results[customer] = Resolution(customer, stored, "stored")
		else:
			unknown.append(customer)
	return unknown


def _host_args(method, name: str, doctype: str, *args):
	"""A Host's contact-link method for a Customer (``method(name, …)``, as every Host has it) or
	another party (``method(name, …, doctype=doctype)``, issue 16)."""
	return method(name, *args) if doctype == "Customer" else method(name, *args, doctype=doctype)


def _hold(engine, customers: list[str], doctype: str = "Customer"):
	"""The host's hold on these customers (``Host.hold_customers``) from the look-up to the stored
	ContactID: without it, two workers sending invoices of one new customer in different batches
	(so under different Idempotency-Keys) both find no contact and both create one. A host without
	the method has no other worker."""
	hold = getattr(engine.host, "hold_customers", None)
	names = customers if doctype == "Customer" else [f"{doctype}:{c}" for c in customers]
	return hold(sorted(names)) if hold else nullcontext()


def _match_existing(engine, keys: dict, results: dict[str, Resolution]) -> list[str]:
	customers = list(keys)
	by_number: dict[str, dict] = {}
	by_name: dict[str, dict] = {}
	if len(customers) > LOOKUP_CHUNK:  # many unknown: one paged read of all contacts is cheaper
		found = engine.port.list_contacts()
	else:
		numbers = [keys[c][1] for c in customers if keys[c][1]]
		found = engine.port.find_contacts(numbers, [keys[c][0] for c in customers])
	for contact in found:
		if contact.get("AccountNumber"):
			_prefer_active(by_number, contact["AccountNumber"], contact)
		_prefer_active(by_name, contact.get("Name", ""), contact)
	missing = []
	for customer in customers:
		name, code = keys[customer]
		if code and code in by_number:
			results[customer] = _matched(customer, by_number[code], "account_number")
		elif name in by_name and not (code and by_name[name].get("ContactStatus") == "ARCHIVED"):
			results[customer] = _matched(customer, by_name[name], "name")
		else:
			# a billing code no contact has, beside an archived namesake: a new contact with
			# that code (Xero's names are unique among ACTIVE contacts only)
			missing.append(customer)
	return missing


def _prefer_active(index: dict, key: str, contact: dict) -> None:
	if key not in index or index[key].get("ContactStatus") == "ARCHIVED":
		index[key] = contact


def _matched(customer: str, contact: dict, rule: str) -> Resolution:
	if contact.get("ContactStatus") == "ARCHIVED":
		# a paged read carries MergedToContactID: the fix names the contact it was merged into
		cause, fix = explain_archived(customer, contact)
		return Resolution(customer, rule=rule, cause=cause, resolution=fix)
	return Resolution(customer, contact["ContactID"], rule)


def _create(engine, keys: dict, results: dict[str, Resolution]) -> None:
	for part in chunks(list(keys)):
		payloads = [
			{"Name": keys[c][0], **({"AccountNumber": keys[c][1]} if keys[c][1] else {})} for c in part
		]
		element_keys = [
			idempotency_key(engine.site_id, c, "contact", payload_hash(p))
			for c, p in zip(part, payloads, strict=True)
		]
		try:
			elements = engine.port.create_contacts(
				payloads, batch_key(engine.site_id, "contact", element_keys)
			)
		except XeroValidationError as error:
			for customer in part:
				cause, fix = explain(error=error)
				results[customer] = Resolution(customer, messages=[str(error)], cause=cause, resolution=fix)
			continue
		for customer, element, sent in zip(part, elements, payloads, strict=True):
			errors = element_errors(element)
			unclear = None if errors else _unclear_contact(element, sent)
			if unclear:
				results[customer] = Resolution(customer, cause=unclear, unknown=True)
			elif errors:
				cause, fix = explain(errors)
				results[customer] = Resolution(customer, messages=errors, cause=cause, resolution=fix)
			else:
				results[customer] = Resolution(customer, element["ContactID"], "created")


def _unclear_contact(element: dict, sent: dict) -> str | None:
	"""Why Xero's element for a contact create that raised no error does not say that this contact
	was created (no ContactID, or another contact's name or account number: answers out of
	order), or None. The next run matches the customer by account number or name again."""
	same = lambda a, b: " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()  # noqa: E731
	if not element.get("ContactID"):
		said = "without a ContactID"
	elif element.get("Name") and not same(element["Name"], sent["Name"]):
		said = f"with the contact {element['Name']!r}"
	elif element.get("AccountNumber") and sent.get("AccountNumber") != element["AccountNumber"]:
		said = f"with account number {element['AccountNumber']!r}"
	else:
		return None
	return (
		f"Xero answered the creation of contact {sent['Name']!r} {said}, so it may be in Xero: "
		"queued, the next run matches it by account number or name before creating it"
	)


def _log(engine, result: Resolution, doctype: str = "Customer") -> None:
	if result.ok:
		_host_args(engine.host.save_contact_id, result.customer, doctype, result.contact_id)
		reason = f"matched by rule {result.rule}"
		status = "Success"
	else:
		reason = result.cause or "; ".join(result.messages)
		# this attempt did not give the customer a contact; an unknown outcome leaves the invoices
		# Queued (push.py), and their next run matches the contact again: the row that is
		# retried is the invoice's, not this one (the shell re-queues Sales Invoice rows only)
		status = "Failed"
	engine.recorder.record(
		Outcome(
			name=result.customer,
			operation="contact",
			status=status,
			reason=reason,
			xero_id=result.contact_id,
			messages=result.messages,
			cause=result.cause if not result.ok else None,
			resolution=result.resolution,
		),
		doctype=doctype,
		keep=False,
	)

"""More Accounting API endpoints, as methods of the client (issue 17): tracking categories,
one contact by ID, invoice attachments and the online invoice link.

Mixed into :class:`xero_connector.xero.client.XeroClient` beside
:class:`~xero_connector.xero.resources.AccountingResources`, through the same pipeline
(``call``): callers outside this package never name an SDK method.
"""

from __future__ import annotations

from xero_connector.xero.errors import XeroNotFound
from xero_connector.xero.keys import fit_key


class ExtraResources:
	"""Tracking categories, a contact, attachments, online invoices."""

	# ----- tracking categories -------------------------------------------------------

	def tracking_categories(self, include_archived: bool = True) -> list[dict]:
		"""GET /TrackingCategories (archived categories and options too, by default)."""
		params = {"include_archived": "true"} if include_archived else {}
		return self.call("get_tracking_categories", **params).get("TrackingCategories") or []

	def create_tracking_option(self, tracking_category_id: str, name: str, idempotency_key: str) -> dict:
		"""PUT /TrackingCategories/{id}/Options with one option; returns the option Xero created."""
		body = self.call(
			"create_tracking_options",
			tracking_category_id,
			{"Name": name},
			idempotency_key=fit_key(idempotency_key),
		)
		return self._single("Options", body)

	# ----- one contact -----------------------------------------------------------------

	def get_contact(self, contact_id: str) -> dict:
		"""GET /Contacts/{id}: the one read that carries ``MergedToContactID`` (xero_accounting.yaml
		Contact.MergedToContactID: "Only returned when using paging or when fetching a contact by
		ContactId or ContactNumber")."""
		rows = self.call("get_contact", contact_id).get("Contacts") or []
		if not rows:
			raise XeroNotFound(f"Contact {contact_id} not found", status=404)
		return rows[0]

	# ----- attachments and the online invoice ---------------------------------------------

	def attach_to_invoice(
		self,
		invoice_id: str,
		file_name: str,
		content: bytes,
		idempotency_key: str,
		*,
		include_online: bool = False,
	) -> dict:
		"""PUT /Invoices/{id}/Attachments/{FileName} (``IncludeOnline`` shows it with the online
		invoice); returns the attachment Xero stored."""
		params = {"include_online": "true"} if include_online else {}
		body = self.call(
			"create_invoice_attachment_by_file_name",
			invoice_id,
			file_name,  # the SDK quotes path parameters
			bytes(content),
			idempotency_key=fit_key(idempotency_key),
			**params,
		)
		rows = body.get("Attachments") or []
		if not rows:
			raise XeroNotFound(f"Xero returned no attachment for invoice {invoice_id}", status=200)
		return rows[0]

	def invoice_attachments(self, invoice_id: str) -> list[dict]:
		"""GET /Invoices/{id}/Attachments."""
		return self.call("get_invoice_attachments", invoice_id).get("Attachments") or []

	def online_invoice_url(self, invoice_id: str) -> str:
		"""GET /Invoices/{id}/OnlineInvoice: the customer's link to the invoice."""
		rows = self.call("get_online_invoice", invoice_id).get("OnlineInvoices") or []
		if not rows or not rows[0].get("OnlineInvoiceUrl"):
			raise XeroNotFound(f"Xero returned no online invoice for {invoice_id}", status=200)
		return rows[0]["OnlineInvoiceUrl"]

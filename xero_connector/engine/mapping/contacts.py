"""The customer: enough to match or create its Xero contact, and the contact's name
when the engine has not resolved one yet."""

from __future__ import annotations


class ContactMixin:
	"""The contact phase of :class:`xero_connector.engine.mapping.document.Builder`."""

	def check_customer(self) -> None:
		doc, ctx = self.doc, self.ctx
		customer = doc.get("customer")
		if not customer:
			self.problem(
				None,
				"customer",
				"The invoice has no customer.",
				"Set the Customer on the Sales Invoice.",
				kind="missing_customer",
			)
			return
		master = ctx.masters.customers.get(customer)
		if master is None:
			self.problem(
				None,
				"customer",
				f"Customer '{customer}' is not among the customers the connector was given.",
				f"Make sure Customer '{customer}' exists in ERPNext (and in the masters file when using the CLI).",
				value=customer,
				kind="customer_not_found",
			)
			return
		code = master.get(ctx.settings.billing_code_field)
		name = master.get("customer_name") or doc.get("customer_name")
		if not (code and str(code).strip()) and not (name and str(name).strip()):
			self.problem(
				None,
				"customer",
				f"Customer '{customer}' has neither a billing account code nor a name to match a Xero contact.",
				f"Fill in the Customer's '{ctx.settings.billing_code_field}' (Xero AccountNumber) or Customer Name.",
				value=customer,
				kind="customer_without_match_key",
			)

	def contact_name(self) -> str:
		master = self.ctx.masters.customers.get(self.doc.get("customer") or "") or {}
		return self.doc.get("customer_name") or master.get("customer_name") or self.doc.get("customer") or ""

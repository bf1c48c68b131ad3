"""The fields this app adds to ERPNext doctypes, defined once.

Applied by install.after_install and install.after_migrate (create_custom_fields
is idempotent: it updates fields that exist), removed by uninstall.before_uninstall.
"""

from __future__ import annotations

import itertools

SYNC_FIELD = {"read_only": 1, "no_copy": 1, "allow_on_submit": 1, "print_hide": 1}


def get_custom_fields() -> dict[str, list[dict]]:
	"""Custom field definitions by doctype, in the shape create_custom_fields expects."""
	return {
		"Sales Invoice": invoice_fields(online_invoice=True),
		# issue 16: a Purchase Invoice is a Xero bill (no online invoice page)
		"Purchase Invoice": invoice_fields(online_invoice=False),
		# issue 16: a Purchase Order is a Xero purchase order (no amounts due or paid)
		"Purchase Order": [*order_fields(), *purchase_order_choice()],
		"Customer": [
			*party_code_fields("Billing Account Code", "customer"),
			{
				"fieldname": "xero_column_break",
				"fieldtype": "Column Break",
				"insert_after": "xero_account_number",
			},
			# issue 15: the customer's contact in each company's organisation (Xero Contact Link),
			# rendered by public/js/customer.js
			{
				"fieldname": "xero_contacts_html",
				"fieldtype": "HTML",
				"label": "Xero Contacts",
				"insert_after": "xero_column_break",
			},
			# issue 6: the contact's invoices in Xero, rendered by public/js/customer.js
			{
				"fieldname": "xero_invoices_section",
				"fieldtype": "Section Break",
				"label": "Invoices in Xero",
				"insert_after": "xero_contacts_html",
			},
			{
				"fieldname": "xero_invoices_html",
				"fieldtype": "HTML",
				"label": "Invoices in Xero",
				"insert_after": "xero_invoices_section",
			},
		],
		# issue 16: a Supplier is matched to its Xero contact by this code, as a Customer is
		"Supplier": [
			*party_code_fields("Xero Account Code", "supplier"),
			{
				"fieldname": "xero_send_purchase_orders",
				"fieldtype": "Check",
				"label": "Send Purchase Orders to Xero",
				"insert_after": "xero_account_number",
				"description": "Where the company sends only chosen Purchase Orders: this supplier's are chosen (each order can still be changed before it is submitted).",
			},
		],
		# issue 6: Quotations sent as Xero Quotes (quotations.py)
		"Quotation": [
			{
				"fieldname": "xero_quote_section",
				"fieldtype": "Section Break",
				"label": "Xero",
				"insert_after": "enq_det",
				"collapsible": 1,
			},
			{
				"fieldname": "xero_quote_id",
				"fieldtype": "Data",
				"label": "Xero QuoteID",
				"insert_after": "xero_quote_section",
				**SYNC_FIELD,
			},
			{
				"fieldname": "xero_quote_status",
				"fieldtype": "Data",
				"label": "Xero Quote Status",
				"insert_after": "xero_quote_id",
				**SYNC_FIELD,
			},
		],
		# issue 6: Payment Entries created from Xero payments, one per Xero PaymentID
		"Payment Entry": [
			{
				"fieldname": "xero_payment_id",
				"fieldtype": "Data",
				"label": "Xero PaymentID",
				"insert_after": "reference_date",
				"description": "Created from this Xero payment (payment_entries.py); never twice",
				"unique": 1,
				"read_only": 1,
				"no_copy": 1,
				"print_hide": 1,
			},
		],
	}


def party_code_fields(label: str, party: str) -> list[dict]:
	"""A Xero section on the Customer or Supplier, with the code matched to its Xero contact."""
	return [
		{
			"fieldname": "xero_section",
			"fieldtype": "Section Break",
			"label": "Xero",
			"insert_after": "accounts",
			"collapsible": 0,
		},
		{
			"fieldname": "xero_account_number",
			"fieldtype": "Data",
			"label": label,
			"insert_after": "xero_section",
			"description": f"Matched exactly to the Account Number of the {party}'s contact in Xero",
			"in_standard_filter": 1,
			"no_copy": 1,
		},
	]


def invoice_fields(online_invoice: bool) -> list[dict]:
	"""The Xero tab of a Sales Invoice or Purchase Invoice: what Xero holds of the document,
	written by the sync only (events.APP_WRITTEN_FIELDS)."""
	fields = [
		{"fieldname": "xero_tab", "fieldtype": "Tab Break", "label": "Xero", "insert_after": "remarks"},
		{
			"fieldname": "xero_sync_status",
			"fieldtype": "Select",
			"options": "\nQueued\nSynced\nFailed\nSkipped",
			"label": "Xero Sync Status",
			"insert_after": "xero_tab",
			"in_standard_filter": 1,
			**SYNC_FIELD,
		},
		{
			"fieldname": "xero_invoice_id",
			"fieldtype": "Data",
			"label": "Xero ID",
			"insert_after": "xero_sync_status",
			"description": "Xero InvoiceID, or CreditNoteID for a return",
			"search_index": 1,
			**SYNC_FIELD,
		},
		{
			"fieldname": "xero_document_type",
			"fieldtype": "Data",
			"label": "Xero Document Type",
			"insert_after": "xero_invoice_id",
			**SYNC_FIELD,
		},
		{
			"fieldname": "xero_status",
			"fieldtype": "Data",
			"label": "Xero Status",
			"insert_after": "xero_document_type",
			"in_standard_filter": 1,
			**SYNC_FIELD,
		},
		{
			"fieldname": "xero_link",
			"fieldtype": "Data",
			"options": "URL",
			"label": "Open in Xero",
			"insert_after": "xero_status",
			**SYNC_FIELD,
		},
		{
			# Xero's online invoice page, for the customer (features/invoice_pdf.online_invoice_link)
			"fieldname": "xero_online_invoice_url",
			"fieldtype": "Data",
			"options": "URL",
			"label": "Xero Online Invoice",
			"insert_after": "xero_link",
			**SYNC_FIELD,
		},
		{
			"fieldname": "xero_column_break",
			"fieldtype": "Column Break",
			"insert_after": "xero_online_invoice_url",
		},
		{
			"fieldname": "xero_amount_due",
			"fieldtype": "Currency",
			"options": "currency",
			"label": "Xero Amount Due",
			"insert_after": "xero_column_break",
			**SYNC_FIELD,
		},
		{
			"fieldname": "xero_amount_paid",
			"fieldtype": "Currency",
			"options": "currency",
			"label": "Xero Amount Paid",
			"insert_after": "xero_amount_due",
			**SYNC_FIELD,
		},
		{
			"fieldname": "xero_fully_paid_on",
			"fieldtype": "Date",
			"label": "Fully Paid in Xero On",
			"insert_after": "xero_amount_paid",
			**SYNC_FIELD,
		},
		{
			"fieldname": "xero_last_synced",
			"fieldtype": "Datetime",
			"label": "Last Synced with Xero",
			"insert_after": "xero_fully_paid_on",
			**SYNC_FIELD,
		},
		{
			"fieldname": "xero_sync_state",
			"fieldtype": "Code",
			"options": "JSON",
			"label": "Xero Sync State",
			"insert_after": "xero_last_synced",
			"hidden": 1,
			**SYNC_FIELD,
		},
	]
	if not online_invoice:
		fields = [f for f in fields if f["fieldname"] != "xero_online_invoice_url"]
		for f in fields:
			if f.get("insert_after") == "xero_online_invoice_url":
				f["insert_after"] = "xero_link"
	return fields


ORDER_FIELDS_LEFT_OUT = (
	"xero_online_invoice_url",
	"xero_amount_due",
	"xero_amount_paid",
	"xero_fully_paid_on",
)


def order_fields() -> list[dict]:
	"""The Xero tab of a Purchase Order: an invoice's, less what an order has not (amounts due
	and paid, an online invoice), each field after the one before it."""
	fields = [f for f in invoice_fields(online_invoice=False) if f["fieldname"] not in ORDER_FIELDS_LEFT_OUT]
	fields[0]["insert_after"] = "is_old_subcontracting_flow"  # the tab before Connections
	for before, field in itertools.pairwise(fields):
		field["insert_after"] = before["fieldname"]
	return fields


def purchase_order_choice() -> list[dict]:
	"""Whether this Purchase Order goes to Xero, where the company sends chosen ones only (the
	"tracked" orders); from the supplier's choice, changeable until submitted."""
	return [
		{
			"fieldname": "xero_send",
			"fieldtype": "Check",
			"label": "Send to Xero",
			"insert_after": "supplier",
			"fetch_from": "supplier.xero_send_purchase_orders",
			"fetch_if_empty": 1,
			"no_copy": 0,
			"print_hide": 1,
			"description": "Where the company sends only chosen Purchase Orders to Xero, this one is sent on submit.",
		}
	]


# Fields earlier versions added and this one no longer has: removed on migrate and on
# uninstall (install.after_migrate, uninstall.remove_custom_fields). Customer's ContactID
# became Xero Contact Link rows, one per company (patches/v2_0/contacts_to_links.py).
REMOVED_FIELDS = {"Customer": ["xero_contact_id"]}

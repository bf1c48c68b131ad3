"""Pre-flight of a Purchase Invoice: every problem that would stop it becoming a Xero bill (or
supplier credit note), found locally before anything is queued, each naming the row, the field
and the fix. The buying counterpart of :mod:`.preflight`, sharing its length rule."""

from __future__ import annotations

from xero_connector.engine.buying import supplier_key
from xero_connector.engine.context import MappingContext
from xero_connector.engine.mapping.bill import collect_bill
from xero_connector.engine.preflight import (
	ACCOUNT_NUMBER_LIMIT,
	CONTACT_NAME_LIMIT,
	DOCSTATUS_NAMES,
	_too_long,
)
from xero_connector.engine.problems import Problem

# xero_accounting.yaml components/schemas/Invoice/properties/InvoiceNumber: maxLength 255
NUMBER_LIMIT = 255


def preflight_bill(doc: dict, ctx: MappingContext) -> list[Problem]:
	"""Every problem that would stop ``doc`` (a Purchase Invoice) from being pushed ([] = ready)."""
	problems = not_submitted(doc, "Purchase Invoice", "bills")
	_, mapping_problems = collect_bill(doc, ctx)
	problems.extend(mapping_problems)
	bill_no = str(doc.get("bill_no") or "").strip()
	if len(bill_no) > NUMBER_LIMIT:
		problems.append(_too_long(doc.get("name") or "", "bill_no", "InvoiceNumber", NUMBER_LIMIT, bill_no))
	problems.extend(supplier_length_problems(doc, ctx))
	return problems


def not_submitted(doc: dict, doctype: str, sent: str) -> list[Problem]:
	"""[] when ``doc`` is submitted; else the one problem saying only submitted ``sent`` go to Xero."""
	status = doc.get("docstatus")
	if status == 1:
		return []
	return [
		Problem(
			document=doc.get("name") or "",
			row=None,
			field="docstatus",
			message=f"The {doctype} is {DOCSTATUS_NAMES.get(status, f'in docstatus {status}')}, not submitted.",
			fix=f"Submit the {doctype} in ERPNext; only submitted {sent} are sent to Xero.",
			value=str(status),
			kind="not_submitted",
		)
	]


def supplier_length_problems(doc: dict, ctx: MappingContext) -> list[Problem]:
	"""What a new Xero contact would be created with for the supplier, when Xero would refuse it as
	too long (the buying counterpart of preflight.length_problems's customer part)."""
	if doc.get("supplier") not in ctx.masters.suppliers:
		return []
	name = doc.get("name") or ""
	problems = []
	contact, code = supplier_key(doc["supplier"], ctx)
	if len(code or "") > ACCOUNT_NUMBER_LIMIT:
		field = f"supplier.{ctx.settings.supplier_code_field}"
		problems.append(_too_long(name, field, "Contact AccountNumber", ACCOUNT_NUMBER_LIMIT, code))
	if len(contact) > CONTACT_NAME_LIMIT:
		problems.append(
			_too_long(name, "supplier.supplier_name", "Contact Name", CONTACT_NAME_LIMIT, contact)
		)
	return problems

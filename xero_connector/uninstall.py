"""Uninstall hook: removes what install.py added (Frappe then drops the module's doctypes)."""

import click
import frappe

from xero_connector.constants import SYNC_LOG, XERO_MANAGER
from xero_connector.xero_connector.custom_fields import get_custom_fields


def before_uninstall():
	"""hooks.before_uninstall."""
	click.echo("Removing Xero Connector customisations...")
	remove_custom_fields()
	remove_log_clearing()
	remove_roles()


def remove_custom_fields():
	for doctype, fields in get_custom_fields().items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)


def remove_log_clearing():
	frappe.db.delete("Logs To Clear", {"parent": "Log Settings", "ref_doctype": SYNC_LOG})


def remove_roles():
	if not frappe.db.exists("Role", XERO_MANAGER):
		return
	frappe.db.delete("Has Role", {"role": XERO_MANAGER})
	frappe.db.delete("Custom DocPerm", {"role": XERO_MANAGER})
	frappe.delete_doc("Role", XERO_MANAGER, ignore_permissions=True, force=True)

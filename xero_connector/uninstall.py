"""Uninstall hook: removes what install.py added (Frappe then drops the module's doctypes)."""

import click
import frappe

from xero_connector.constants import APP, SETTINGS, SYNC_LOG, XERO_MANAGER
from xero_connector.xero_connector.custom_fields import get_custom_fields


def before_uninstall():
	"""hooks.before_uninstall."""
	click.echo("Removing Xero Connector customisations...")
	remove_custom_fields()
	remove_log_clearing()
	remove_roles()
	remove_desk_navigation()
	remove_secrets()
	remove_stored_items()
	remove_patch_log()


def remove_custom_fields():
	from xero_connector.install import remove_fields_of_earlier_versions

	for doctype, fields in get_custom_fields().items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)
	remove_fields_of_earlier_versions()


def remove_log_clearing():
	frappe.db.delete("Logs To Clear", {"parent": "Log Settings", "ref_doctype": SYNC_LOG})


def remove_roles():
	if not frappe.db.exists("Role", XERO_MANAGER):
		return
	frappe.db.delete("Has Role", {"role": XERO_MANAGER})
	frappe.db.delete("Custom DocPerm", {"role": XERO_MANAGER})
	frappe.delete_doc("Role", XERO_MANAGER, ignore_permissions=True, force=True)


def remove_desk_navigation():
	"""Frappe 16: the Xero sidebar and desktop icon (the app's, or the ones Frappe made from
	the workspace before the app shipped its own). Frappe removes the workspace itself
	with the module, not these."""
	from xero_connector.install import NAVIGATION

	for _folder, doctype in NAVIGATION:
		if not frappe.db.exists("DocType", doctype):
			continue
		names = set(frappe.get_all(doctype, filters={"app": "xero_connector"}, pluck="name"))
		names.update(frappe.get_all(doctype, filters={"name": "Xero"}, pluck="name"))
		for name in names:
			# without on_trash: in developer mode it would delete the app's own JSON file
			frappe.delete_doc(doctype, name, ignore_permissions=True, force=True, ignore_on_trash=True)
	frappe.cache.delete_key("desktop_icons")


def remove_stored_items():
	"""Xero's item codes of each organisation, kept as DefaultValue rows of their own parent
	(connection/reference.store_items)."""
	from xero_connector.xero_connector.connection.reference import ITEMS_PARENT

	frappe.db.delete("DefaultValue", {"parent": ITEMS_PARENT})


def remove_secrets():
	"""The encrypted client secrets, webhook keys and tokens (Frappe drops the doctypes'
	tables, not their rows in ``__Auth``); Xero Settings' for a site that never migrated."""
	frappe.db.delete("__Auth", {"doctype": ("in", (APP, SETTINGS))})


def remove_patch_log():
	"""Install records every patch of the app as done (a fresh site has nothing to
	upgrade); forgetting them on uninstall lets a later install of an earlier version be
	upgraded by them again, as a site that never had this version is."""
	frappe.db.delete("Patch Log", {"patch": ("like", "xero_connector.%")})

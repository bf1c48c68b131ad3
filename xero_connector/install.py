"""Install and migrate hooks: the role, the custom fields and the log-clearing
registration, the desk's navigation (Frappe 16), all idempotent. uninstall.py undoes
each of them."""

from pathlib import Path

import click
import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from xero_connector.constants import SYNC_LOG, XERO_MANAGER
from xero_connector.xero_connector.connection.encryption import make_site_key
from xero_connector.xero_connector.custom_fields import get_custom_fields

LOG_RETENTION_DAYS = 30


def before_install():
	"""hooks.before_install: the role must exist before the doctypes' permissions are synced."""
	create_roles()


def after_install():
	"""hooks.after_install."""
	click.echo("Setting up Xero Connector...")
	create_roles()
	restore_desk_roles()
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	register_log_clearing()
	load_desk_navigation()
	make_site_key()


def after_migrate():
	"""hooks.after_migrate: re-apply custom fields (picks up changes to their definitions)."""
	create_roles()
	restore_desk_roles()
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	remove_fields_of_earlier_versions()
	register_log_clearing()
	load_desk_navigation()
	make_site_key()


def remove_fields_of_earlier_versions():
	"""Custom fields an earlier version added and this one no longer has (their values were
	moved by the patches, which run before this)."""
	from xero_connector.xero_connector.custom_fields import REMOVED_FIELDS

	for doctype, fieldnames in REMOVED_FIELDS.items():
		for fieldname in fieldnames:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": fieldname})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)


def create_roles():
	if not frappe.db.exists("Role", XERO_MANAGER):
		frappe.get_doc({"doctype": "Role", "role_name": XERO_MANAGER, "desk_access": 1}).insert(
			ignore_permissions=True
		)


DESK_PAGES = (("page", "xero_readiness"), ("report", "xero_reconciliation"))


def restore_desk_roles():
	"""The Readiness page and the Reconciliation report admit the Xero Manager. A role
	deleted and made again (uninstall, then install) loses those rows while the page and
	report stay, so both are reloaded from their JSON, roles included."""
	for kind, name in DESK_PAGES:
		frappe.reload_doc("xero_connector", kind, name, force=True)


# Frappe 16's desk reaches a workspace through a Workspace Sidebar and a Desktop Icon,
# which an app ships in folders of these names (Frappe 15 has neither doctype)
NAVIGATION = (("workspace_sidebar", "Workspace Sidebar"), ("desktop_icon", "Desktop Icon"))


def load_desk_navigation():
	"""The app's own sidebar and desktop icon for the Xero workspace, where the desk has
	them. Frappe loads these files only when they are newer than the site's copy, and on
	a site that ran an earlier version of the app Frappe 16 had already made its own
	"Xero" sidebar and icon from the workspace's shortcuts: so they are loaded here,
	replacing those, on every install and migrate."""
	from frappe.modules.import_file import import_file_by_path

	for folder, doctype in NAVIGATION:
		if not frappe.db.exists("DocType", doctype):
			continue
		for path in sorted(Path(frappe.get_app_path("xero_connector", folder)).glob("*.json")):
			import_file_by_path(str(path), force=True)


def register_log_clearing():
	"""Add Xero Sync Log to Log Settings (also listed in hooks.default_log_clearing_doctypes)."""
	from frappe.core.doctype.log_settings import log_settings

	if not frappe.db.exists("DocType", SYNC_LOG):
		return
	# Log Settings caches "does this doctype support clearing" per process; during
	# install it may have been asked before our doctypes existed.
	if hasattr(log_settings._supports_log_clearing, "clear_cache"):
		log_settings._supports_log_clearing.clear_cache()
	settings = frappe.get_single("Log Settings")
	settings.register_doctype(SYNC_LOG, LOG_RETENTION_DAYS)
	settings.flags.ignore_permissions = True
	settings.save()

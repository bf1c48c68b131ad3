"""The site's encryption key, which keeps Xero Settings' client secret, tokens and webhook
key (Password fields) readable.

A new site has no key until something is first encrypted; then the process that
encrypts makes one and writes it to site_config.json. Frappe 16's web processes keep
the site config they read for a minute, so a web process that read it before another
made the key makes a second key and overwrites the first: on a fresh site, saving the
client secret in one request and storing the tokens in another (the OAuth callback)
within that minute left the client secret unreadable ("Failed to decrypt key"). So the
key is made when the app is installed, and a web request whose copy of the config has
no key takes it from the file before anything is encrypted or decrypted."""

from __future__ import annotations

import frappe


def make_site_key() -> None:
	"""hooks after_install / after_migrate (a command, which reads the config afresh)."""
	from frappe.utils.password import get_encryption_key

	get_encryption_key()


def adopt_site_key() -> None:
	"""hooks.before_request: the key from site_config.json when this process's copy of the
	config was read before the key was made."""
	conf = getattr(frappe.local, "conf", None)
	if conf is None or conf.get("encryption_key") or not getattr(frappe.local, "site", None):
		return
	key = frappe.get_site_config().get("encryption_key")
	if key:
		conf.encryption_key = key

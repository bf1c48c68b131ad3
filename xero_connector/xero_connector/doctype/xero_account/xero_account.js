// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

frappe.ui.form.on("Xero Account", {
	refresh(frm) {
		frm.set_intro(__("Read from Xero. Refresh it with Fetch from Xero in Xero Settings."));
	},
});

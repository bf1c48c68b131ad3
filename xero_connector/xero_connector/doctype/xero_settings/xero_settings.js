// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

// What is set once for the site; each company's connection is a Xero Connection.
frappe.ui.form.on("Xero Settings", {
	refresh(frm) {
		frm.add_custom_button(__("Xero Connections"), () => frappe.set_route("List", "Xero Connection"));
		frm.add_custom_button(__("Xero Apps"), () => frappe.set_route("List", "Xero App"));
	},
});

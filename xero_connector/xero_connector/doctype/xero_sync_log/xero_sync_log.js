// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

frappe.ui.form.on("Xero Sync Log", {
	refresh(frm) {
		const can_resend =
			frappe.user.has_role("Xero Manager") || frappe.user.has_role("System Manager");
		if (can_resend && (frm.doc.reference_name || frm.doc.operation === "pull")) {
			frm.add_custom_button(__("Resend"), () =>
				frm.call("resend").then((r) => {
					frappe.show_alert({ message: __("Queued again"), indicator: "green" });
					frm.reload_doc();
				})
			);
		}
		if (frm.doc.status === "Failed" && frm.doc.cause) {
			frm.dashboard.set_headline(
				`<b>${__("Cause")}:</b> ${frappe.utils.escape_html(frm.doc.cause)}` +
					(frm.doc.resolution
						? `<br><b>${__("Fix")}:</b> ${frappe.utils.escape_html(frm.doc.resolution)}`
						: ""),
				"red"
			);
		}
	},
});

// Payload preview (issue 6): what the row's Sales Invoice would send now, diffed against this row's request.
frappe.ui.form.on("Xero Sync Log", {
	refresh(frm) {
		if (frm.doc.reference_doctype !== "Sales Invoice" || !frm.doc.reference_name) return;
		frm.add_custom_button(__("Xero payload"), () =>
			frappe
				.call({
					method: "xero_connector.xero_connector.features.preview.sync_log_payload",
					args: { log: frm.doc.name },
					freeze: true,
				})
				.then((r) => frappe.msgprint({ title: __("Xero payload"), message: r.message.html, wide: true })));
	},
});

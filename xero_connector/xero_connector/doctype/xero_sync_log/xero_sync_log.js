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
		// Xero refused the invoice because its customer's contact is archived: if it was merged
		// in Xero, link the customer to the contact it was merged into and send again
		if (can_resend && (frm.doc.__onload || {}).contact_archived) {
			frm.add_custom_button(__("Use Merged Contact"), () =>
				frappe
					.call({
						method: "xero_connector.xero_connector.features.merged_contact.use_merged_contact",
						args: { log: frm.doc.name },
						freeze: true,
					})
					.then((r) => {
						const done = r.message || {};
						frappe.show_alert({
							message: __("Customer linked to Xero contact {0}; sent again", [
								frappe.utils.escape_html(done.contact_name || done.contact_id),
							]),
							indicator: "green",
						});
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

// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

frappe.listview_settings["Xero Sync Log"] = {
	add_fields: ["status", "operation", "reference_doctype", "reference_name", "cause"],
	get_indicator(doc) {
		const colours = { Success: "green", Failed: "red", Queued: "orange", Skipped: "gray" };
		return [__(doc.status), colours[doc.status] || "gray", `status,=,${doc.status}`];
	},
	onload(listview) {
		if (!(frappe.user.has_role("Xero Manager") || frappe.user.has_role("System Manager"))) return;
		listview.page.add_actions_menu_item(__("Resend"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) return;
			frappe
				.call({
					method: "xero_connector.xero_connector.doctype.xero_sync_log.xero_sync_log.resend",
					args: { names },
					freeze: true,
				})
				.then((r) => {
					const n = (r.message || {}).queued || 0;
					frappe.show_alert({ message: __("{0} queued again", [n]), indicator: "green" });
					listview.refresh();
				});
		});
	},
};

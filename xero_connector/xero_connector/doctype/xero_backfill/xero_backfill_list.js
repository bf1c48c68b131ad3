frappe.listview_settings["Xero Backfill"] = {
	get_indicator(doc) {
		const colours = {
			Draft: "gray",
			Queued: "blue",
			Running: "blue",
			Paused: "orange",
			Completed: "green",
			Failed: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};

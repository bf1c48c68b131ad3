// Copyright (c) 2025, xero_connector developers
// Start / Pause / Resume and a live progress bar (backfill.py publishes
// "xero_backfill_progress" after every batch of 50).

const BACKFILL_METHODS = "xero_connector.xero_connector.sync.backfill_control.";

frappe.ui.form.on("Xero Backfill", {
	setup(frm) {
		frappe.realtime.on("xero_backfill_progress", (data) => {
			if (!data || data.name !== frm.doc.name) return;
			xero_backfill.show_progress(frm, data);
			if (data.status !== frm.doc.status) frm.reload_doc();
		});
	},

	refresh(frm) {
		if (frm.is_new()) return;
		const status = frm.doc.status;
		if (["Draft", "Completed", "Failed"].includes(status)) {
			frm.add_custom_button(__("Start Backfill"), () => xero_backfill.call(frm, "start"));
		}
		if (["Queued", "Running"].includes(status)) {
			frm.add_custom_button(__("Pause"), () => xero_backfill.call(frm, "pause"));
		}
		if (["Paused", "Failed"].includes(status)) {
			frm.add_custom_button(__("Resume"), () => xero_backfill.call(frm, "resume"));
		}
		if (status !== "Draft") {
			frappe
				.call(BACKFILL_METHODS + "get_progress", { name: frm.doc.name })
				.then((r) => r.message && xero_backfill.show_progress(frm, r.message));
		}
		const colours = {
			Queued: "blue",
			Running: "blue",
			Paused: "orange",
			Completed: "green",
			Failed: "red",
		};
		if (colours[status]) frm.page.set_indicator(__(status), colours[status]);
	},
});

const xero_backfill = {
	call(frm, action) {
		return frappe
			.call({ method: BACKFILL_METHODS + action, args: { name: frm.doc.name }, freeze: true })
			.then(() => frm.reload_doc());
	},

	show_progress(frm, data) {
		const message = __("{0} of {1} processed: {2} synced, {3} failed, {4} skipped", [
			data.processed || 0,
			data.total || 0,
			data.synced || 0,
			data.failed || 0,
			data.skipped || 0,
		]);
		frm.dashboard.show_progress(__("Backfill to Xero"), data.percent || 0, message);
	},
};

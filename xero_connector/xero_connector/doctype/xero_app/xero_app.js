// Copyright (c) 2026, xero_connector developers
// For license information, please see license.txt

// A Xero app's credentials and its consent: Connect to Xero here authorises the app; each
// company's organisation is then chosen on its Xero Connection.
const XERO_API = "xero_connector.xero_connector.api";

frappe.ui.form.on("Xero App", {
	refresh(frm) {
		if (frm.is_new()) return;
		const connected = frm.doc.connection_status === "Connected";
		frm.add_custom_button(connected ? __("Reconnect") : __("Connect to Xero"), () => {
			const go = () =>
				frappe
					.call({ method: `${XERO_API}.start_connect`, args: { app: frm.doc.name }, freeze: true })
					.then((r) => r.message && (window.location.href = r.message));
			frm.is_dirty() ? frm.save().then(go) : go();
		});
		frm.add_custom_button(__("Xero Connections"), () =>
			frappe.set_route("List", "Xero Connection", { xero_app: frm.doc.name })
		);
		const indicator = { Connected: "green", "Needs Reauthorisation": "red" }[frm.doc.connection_status] || "gray";
		frm.page.set_indicator(__(frm.doc.connection_status || "Not Connected"), indicator);
		if (frm.doc.connection_status === "Needs Reauthorisation") {
			frm.dashboard.set_headline(__("Xero needs you to connect again: click Connect to Xero."), "red");
		} else if (frm.doc.connection_status === "Connected") {
			// Xero lets a refresh token lapse after 60 days unused: say how long is left
			frappe
				.call({ method: `${XERO_API}.app_health`, type: "GET", args: { app: frm.doc.name } })
				.then((r) => {
					const h = r.message || {};
					if (h.message) frm.dashboard.set_headline(frappe.utils.escape_html(h.message), h.warn ? "orange" : "blue");
				});
		}
	},

	copy_redirect_uri(frm) {
		frappe.utils.copy_to_clipboard(frm.doc.redirect_uri);
	},
});

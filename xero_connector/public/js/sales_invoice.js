// Xero on the Sales Invoice, Purchase Invoice (a bill) and Purchase Order forms (issue 16): status, amount due,
// link, and Send / Resend to Xero. Loaded through hooks.doctype_js for both doctypes: the
// handlers are registered once, for both, whichever form loads it first.

frappe.provide("xero_connector.invoice_form");
// (in a function of its own: the file is evaluated once per doctype that loads it)
(() => {
const XERO_INVOICE_DOCTYPES = ["Sales Invoice", "Purchase Invoice", "Purchase Order"];

function on_xero_invoices(handlers, doctypes = XERO_INVOICE_DOCTYPES) {
	for (const doctype of doctypes) frappe.ui.form.on(doctype, handlers);
}

if (!xero_connector.invoice_form.registered) {
	xero_connector.invoice_form.registered = true;
	register_xero_invoice_forms();
}

function register_xero_invoice_forms() {
on_xero_invoices({
	onload(frm) {
		// host.save_state publishes this when a job changed the invoice's Xero fields
		frappe.realtime.on("xero_sync_update", (data) => {
			if (data && data.name === frm.doc.name && !frm.is_dirty()) frm.reload_doc();
		});
	},
	refresh(frm) {
		if (frm.is_new() || frm.doc.docstatus === 0) return;
		frappe
			.call({
				method: "xero_connector.xero_connector.api.invoice_status",
				args: { name: frm.doc.name, doctype: frm.doc.doctype },
			})
			.then((r) => xero_panel(frm, r.message || {}));
	},
});

// The form's one Xero line: the desk may refresh the form twice before the first answer
// is back (Frappe 16 does after a submit), so a new line replaces the earlier one.
function xero_line(frm, html, colour) {
	frm.layout.message.find(".xero-line").closest(".form-message").remove();
	frm.dashboard.add_comment(`<span class="xero-line">${html}</span>`, colour, true);
}

function xero_panel(frm, info) {
	if (!info.enabled) return;
	const status = info.xero_status;
	if (status) {
		const colour = { PAID: "green", AUTHORISED: "blue", VOIDED: "gray", DELETED: "gray", DRAFT: "orange" }[status] || "blue";
		const due = format_currency(info.xero_amount_due || 0, frm.doc.currency);
		let html = `${__("Xero")}: <span class="indicator-pill ${colour}">${__(status)}</span> `;
		// (a purchase order has nothing due)
		if (!["VOIDED", "DELETED"].includes(status) && frm.doc.doctype !== "Purchase Order") {
			html += ` ${__("Amount due in Xero")}: <b>${due}</b>`;
		}
		if (info.xero_link) {
			html += ` &middot; <a href="${encodeURI(info.xero_link)}" target="_blank" rel="noopener">${__("Open in Xero")}</a>`;
		}
		xero_line(frm, html, colour);
		// Xero's online invoice, for the customer: no online page for a draft, a void or a credit note
		if (
			frm.doc.doctype === "Sales Invoice" &&
			["SUBMITTED", "AUTHORISED", "PAID"].includes(status) &&
			frm.doc.xero_document_type === "Invoice"
		) {
			frm.add_custom_button(__("Online Invoice Link"), () => online_invoice_link(frm), __("Xero"));
		}
	} else {
		const last = (info.logs || [])[0];
		if (last && last.status === "Failed") {
			xero_line(
				frm,
				`${__("Not in Xero")}: ${frappe.utils.escape_html(last.cause || "")}` +
					` ${frappe.utils.get_form_link("Xero Sync Log", last.name, true, __("Details"))}`,
				"red"
			);
		} else if (last && last.status === "Queued") {
			const when = info.next_round
				? ` ${__("(sent in the next round, about {0})", [frappe.utils.escape_html(info.next_round)])}`
				: "";
			xero_line(frm, __("Queued for Xero") + when, "orange");
		}
	}
	if (info.can_send && frm.doc.docstatus === 1) {
		const label = info.xero_invoice_id ? __("Resend to Xero") : __("Send to Xero");
		frm.add_custom_button(
			label,
			() =>
				frappe
					.call({
						method: "xero_connector.xero_connector.api.send_to_xero",
						args: { name: frm.doc.name, doctype: frm.doc.doctype },
						freeze: true,
					})
					.then(() => {
						frappe.show_alert({ message: __("Queued for Xero"), indicator: "green" });
						frm.reload_doc();
					}),
			__("Xero")
		);
	}
}

// Xero's link to the invoice's online page (read from Xero once, then kept on the invoice),
// to share with the customer.
function online_invoice_link(frm) {
	frappe
		.call({
			method: "xero_connector.xero_connector.features.invoice_pdf.online_invoice_link",
			args: { name: frm.doc.name },
			freeze: true,
		})
		.then((r) => {
			const url = (r.message || {}).url;
			if (!url) return;
			const dialog = new frappe.ui.Dialog({
				title: __("Xero Online Invoice"),
				fields: [
					{ fieldname: "url", fieldtype: "Data", label: __("Link for the customer"), read_only: 1, default: url },
					{
						fieldname: "open",
						fieldtype: "HTML",
						options: `<a href="${encodeURI(url)}" target="_blank" rel="noopener">${__("Open the online invoice")}</a>`,
					},
				],
				primary_action_label: __("Copy Link"),
				primary_action() {
					frappe.utils.copy_to_clipboard(url);
					dialog.hide();
				},
			});
			dialog.show();
		});
}

// Organisation guard (issue 6): a red banner while the Xero connection points at another organisation.
on_xero_invoices({
	refresh(frm) {
		if (frm.is_new()) return;
		frappe
			.call({
				method: "xero_connector.xero_connector.connection.guard.organisation_status",
				args: { company: frm.doc.company },
			})
			.then((r) => {
				const mismatch = (r.message || {}).mismatch;
				if (mismatch) frm.dashboard.set_headline_alert(frappe.utils.escape_html(mismatch), "red");
			});
	},
});

// Payload preview (issue 6): the Xero JSON this invoice would be sent as, and what changed
// since the last successful sync (anyone who may read the invoice).
on_xero_invoices({
	refresh(frm) {
		if (frm.is_new() || frm.doc.docstatus === 0) return;
		frm.add_custom_button(__("Xero payload"), () =>
			frappe
				.call({
					method: "xero_connector.xero_connector.features.preview.invoice_payload",
					args: { name: frm.doc.name },
					freeze: true,
				})
				.then((r) => frappe.msgprint({ title: __("Xero payload"), message: r.message.html, wide: true })),
			__("Xero"));
	},
}, ["Sales Invoice"]);
}
})();

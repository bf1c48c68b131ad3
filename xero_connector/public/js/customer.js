// Xero on the Customer (issue 6): the contact's invoices in Xero, newest first, with Show More.
// Loaded through hooks.doctype_js; the data comes from customer_panel.customer_invoices.

frappe.ui.form.on("Customer", {
	refresh(frm) {
		xero_customer_contacts(frm);
		const field = frm.get_field("xero_invoices_html");
		if (!field || frm.is_new()) return;
		field.$wrapper.html(`<div class="text-muted small">${__("Reading Xero...")}</div>`);
		xero_customer_page(frm, 1, []);
	},
});

function xero_customer_page(frm, page, rows) {
	frappe
		.call({
			method: "xero_connector.xero_connector.features.customer_panel.customer_invoices",
			args: { customer: frm.doc.name, page },
		})
		.then((r) => {
			const data = r.message || {};
			xero_customer_render(frm, rows.concat(data.rows || []), data);
		});
}

function xero_customer_render(frm, rows, data) {
	const $wrapper = frm.get_field("xero_invoices_html").$wrapper;
	const esc = frappe.utils.escape_html;
	if (!rows.length) {
		$wrapper.html(`<div class="text-muted small">${esc(data.message || __("No invoices in Xero for this contact."))}</div>`);
		return;
	}
	const colour = { PAID: "green", AUTHORISED: "blue", VOIDED: "gray", DELETED: "gray", DRAFT: "orange", SUBMITTED: "orange" };
	const body = rows
		.map((row) => {
			const number = row.link
				? `<a href="${encodeURI(row.link)}" target="_blank" rel="noopener">${esc(row.number || "")}</a>`
				: esc(row.number || "");
			const erp = row.sales_invoice
				? frappe.utils.get_form_link("Sales Invoice", row.sales_invoice, true, esc(row.sales_invoice))
				: `<span class="text-muted">${__("raised in Xero")}</span>`;
			return `<tr><td>${number}</td>
				<td><span class="indicator-pill ${colour[row.status] || "blue"}">${esc(__(row.status || ""))}</span></td>
				<td>${esc(row.due_date ? frappe.datetime.str_to_user(row.due_date) : "")}</td>
				<td class="text-right">${format_currency(row.total, row.currency)}</td>
				<td class="text-right">${format_currency(row.amount_due, row.currency)}</td>
				<td>${erp}</td></tr>`;
		})
		.join("");
	$wrapper.html(`<table class="table table-bordered table-condensed small">
		<thead><tr><th>${__("Number")}</th><th>${__("Status")}</th><th>${__("Due Date")}</th>
		<th class="text-right">${__("Total")}</th><th class="text-right">${__("Amount Due")}</th><th>${__("ERPNext")}</th></tr></thead>
		<tbody>${body}</tbody></table>`);
	if (data.has_more) {
		$(`<button class="btn btn-xs btn-default">${__("Show More")}</button>`)
			.appendTo($wrapper)
			.on("click", () => xero_customer_page(frm, data.page + 1, rows));
	}
}

// The customer's contact in each company's Xero organisation (Xero Contact Link rows).
function xero_customer_contacts(frm) {
	const field = frm.get_field("xero_contacts_html");
	if (!field || frm.is_new()) return;
	frappe.db
		.get_list("Xero Contact Link", {
			filters: { party_type: "Customer", party: frm.doc.name },
			fields: ["company", "contact_id"],
			order_by: "company asc",
		})
		.then((links) => {
			const esc = frappe.utils.escape_html;
			field.$wrapper.html(
				links.length
					? `<div class="small"><div class="text-muted">${__("Xero Contact")}</div>${links
							.map((l) => `<div>${esc(l.company)}: <code>${esc(l.contact_id)}</code></div>`)
							.join("")}</div>`
					: `<div class="text-muted small">${__("Not linked to a Xero contact yet: the first invoice sent to Xero links it.")}</div>`
			);
		})
		.catch(() => field.$wrapper.empty());
}

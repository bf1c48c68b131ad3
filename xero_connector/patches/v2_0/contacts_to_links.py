"""Each Customer's ContactID (the custom field Customer.xero_contact_id of earlier
versions) becomes a Xero Contact Link of the company whose organisation it is in (issue
15, increment 5; docs/design/multi-company.md, section 2, step 8). Runs after
settings_to_connections (patches.txt, post_model_sync); install.after_migrate then
removes the old field. A fresh install records it without running it.

The ContactIDs are of the one organisation the site had: they go to the site's Xero
Connection's company and tenant. Customers that already have a link of that company are
left alone, so a run cut short completes on the next migrate.
"""

from __future__ import annotations

import frappe

from xero_connector.constants import CONNECTION, CONTACT_LINK


def execute():
	if not frappe.db.has_column("Customer", "xero_contact_id"):
		return
	connections = frappe.get_all(CONNECTION, fields=["name", "company", "tenant_id"], order_by="creation asc")
	if not connections:
		return  # no organisation to say which company's the ContactIDs are: nothing to move
	connection = connections[0]
	linked = set(
		frappe.get_all(
			CONTACT_LINK, filters={"party_type": "Customer", "company": connection.company}, pluck="party"
		)
	)
	rows = frappe.db.sql(
		"select name, xero_contact_id from `tabCustomer` where ifnull(xero_contact_id, '') != ''"
	)
	now = frappe.utils.now()
	values = [
		(
			frappe.generate_hash(length=10),
			now,
			now,
			"Administrator",
			"Administrator",
			"Customer",
			customer,
			connection.company,
			contact_id,
			connection.tenant_id,
		)
		for customer, contact_id in rows
		if customer not in linked
	]
	if values:
		frappe.db.bulk_insert(
			CONTACT_LINK,
			fields=[
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"party_type",
				"party",
				"company",
				"contact_id",
				"tenant_id",
			],
			values=values,
		)
	frappe.db.commit()

# Copyright (c) 2026, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xero_connector.engine.tracking import MAX_PER_LINE
from xero_connector.exceptions import MappingInvalid

TRACKING_MAPPING = "Xero Tracking Mapping"
CACHE_KEY = "xero_connector:xero_tracking_mapping:{}"
LINE_DOCTYPE = "Sales Invoice Item"


class XeroTrackingMapping(Document):
	"""Which Xero tracking category a dimension of a company's Sales Invoice lines goes to,
	and the options whose names differ (engine/tracking.py builds each line's Tracking;
	Xero's categories and options are checked on pre-flight when Xero's list was read)."""

	def validate(self):
		self.erpnext_field = (self.erpnext_field or "").strip()
		self.tracking_category = (self.tracking_category or "").strip()
		if not frappe.get_meta(LINE_DOCTYPE).has_field(self.erpnext_field):
			frappe.throw(
				_(
					"Sales Invoice Item has no field {0}: use cost_center, project or an Accounting Dimension's field name."
				).format(frappe.bold(self.erpnext_field)),
				MappingInvalid,
			)
		others = frappe.get_all(
			TRACKING_MAPPING,
			filters={"company": self.company, "name": ("!=", self.name or "")},
			fields=["name", "erpnext_field", "tracking_category"],
		)
		for other in others:
			if other.erpnext_field == self.erpnext_field or other.tracking_category == self.tracking_category:
				frappe.throw(
					_("{0} already maps {1} to {2} for {3}.").format(
						frappe.get_desk_link(TRACKING_MAPPING, other.name),
						frappe.bold(other.erpnext_field),
						frappe.bold(other.tracking_category),
						frappe.bold(self.company),
					),
					frappe.UniqueValidationError,
				)
		if len(others) >= MAX_PER_LINE:
			frappe.throw(
				_("Xero takes at most {0} tracking categories on a line: {1} already has {0}.").format(
					MAX_PER_LINE, frappe.bold(self.company)
				),
				MappingInvalid,
			)
		values = [row.erpnext_value for row in self.options]
		twice = {value for value in values if values.count(value) > 1}
		if twice:
			frappe.throw(
				_("Each ERPNext value has one Xero option: {0} is listed twice.").format(
					", ".join(frappe.bold(v) for v in sorted(twice))
				),
				MappingInvalid,
			)

	def on_update(self):
		forget(self.company)
		before = self.get_doc_before_save()
		if before and before.company != self.company:
			forget(before.company)

	def on_trash(self):
		forget(self.company)


def forget(company: str | None) -> None:
	key = CACHE_KEY.format(company)
	frappe.cache.delete_value(key)
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value(key))


def get_tracking_mappings(company: str) -> dict:
	"""``{"tracking_by_field": {field: category}, "tracking_options": {category: {value:
	option}}}`` of the company, cached: called by host.py to build the engine's Mappings."""

	def read() -> dict:
		by_field, options = {}, {}
		for row in frappe.get_all(
			TRACKING_MAPPING,
			filters={"company": company},
			fields=["name", "erpnext_field", "tracking_category"],
			order_by="creation asc",
		):
			by_field[row.erpnext_field] = row.tracking_category
			options[row.tracking_category] = dict(
				frappe.get_all(
					"Xero Tracking Option",
					filters={"parent": row.name, "parenttype": TRACKING_MAPPING},
					fields=["erpnext_value", "xero_option"],
					as_list=True,
				)
			)
		return {"tracking_by_field": by_field, "tracking_options": options}

	return frappe.cache.get_value(CACHE_KEY.format(company), generator=read)

package i18n

// Words of the disbursement life cycle, the approval queue and the audit timeline.
func init() {
	Register(map[string][2]string{
		"nav.review":                 {"Antrian persetujuan", "Approval queue"},
		"review.title":               {"Antrian persetujuan", "Approval queue"},
		"review.none":                {"Tidak ada penyaluran yang menunggu persetujuan.", "No disbursement is waiting for approval."},
		"review.select":              {"Pilih", "Select"},
		"review.results":             {"hasil per penyaluran", "result per disbursement"},
		"review.result":              {"Hasil", "Result"},
		"act.title":                  {"Tindakan", "Actions"},
		"act.submit":                 {"Ajukan", "Submit"},
		"act.approve":                {"Setujui", "Approve"},
		"act.reject":                 {"Tolak", "Reject"},
		"act.cancel":                 {"Batalkan", "Cancel"},
		"act.pay":                    {"Tandai dibayar", "Mark paid"},
		"act.return":                 {"Catat dana retur", "Record return"},
		"act.paid_on":                {"Tanggal bayar", "Paid on"},
		"act.returned_on":            {"Tanggal retur", "Returned on"},
		"act.created_by":             {"Dicatat oleh", "Recorded by"},
		"act.approved_by":            {"Disetujui oleh", "Approved by"},
		"audit.title":                {"Jejak audit", "Audit trail"},
		"audit.field":                {"Isian", "Field"},
		"audit.before":               {"Sebelum", "Before"},
		"audit.after":                {"Sesudah", "After"},
		"audit.hash":                 {"Hash", "Hash"},
		"audit.action.create":        {"Dibuat", "Created"},
		"audit.action.update":        {"Diubah", "Changed"},
		"audit.action.delete":        {"Dihapus", "Deleted"},
		"audit.action.submit":        {"Diajukan", "Submitted"},
		"audit.action.approve":       {"Disetujui", "Approved"},
		"audit.action.reject":        {"Ditolak", "Rejected"},
		"audit.action.cancel":        {"Dibatalkan", "Cancelled"},
		"audit.action.pay":           {"Dibayar", "Paid"},
		"audit.action.return":        {"Dana retur", "Returned"},
		"audit.action.revise_budget": {"Revisi anggaran", "Budget revised"},
	})
}

package i18n

func init() {
	Register(map[string][2]string{
		"revision.title":      {"Revisi anggaran", "Budget revisions"},
		"revision.when":       {"Tanggal", "Date"},
		"revision.previous":   {"Pagu sebelumnya", "Previous budget"},
		"revision.budget":     {"Pagu baru", "New budget"},
		"revision.new_budget": {"Pagu baru (APBD-Perubahan)", "New budget (revised budget law)"},
		"revision.reason":     {"Alasan", "Reason"},
		"revision.by":         {"Disetujui oleh", "Approved by"},
		"revision.none":       {"Pagu belum pernah direvisi.", "The budget has not been revised."},
		"revision.submit":     {"Revisi pagu", "Revise the budget"},
	})
}

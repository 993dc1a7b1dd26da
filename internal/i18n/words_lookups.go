package i18n

func init() { Register(lookupWords) }

// lookupWords are the words of the identifier lookup limit (issue 17, item 4).
var lookupWords = map[string][2]string{
	"admin.lookups":       {"Pencarian identitas melewati batas", "Identifier lookups over the limit"},
	"admin.lookups_help":  {"Pengguna yang melihat data tersamar dan mencari NIK, NIB, rekening atau telepon lebih sering dari batas per jam (privacy.lookup_limit), 30 hari terakhir. Setiap pencarian tercatat di jejak audit.", "Users shown masked data who looked up a NIK, NIB, account or phone more often than the hourly limit (privacy.lookup_limit), last 30 days. Every lookup is in the audit trail."},
	"admin.lookups_hour":  {"Jam", "Hour"},
	"admin.lookups_count": {"Pencarian", "Lookups"},
	"admin.lookups_none":  {"Belum ada yang melewati batas.", "Nobody has passed the limit."},
}

package i18n

func init() { Register(pagesbWords) }

// pagesbWords are the words of the import templates and column lists, the
// CSV dialects, the report pages' empty state, charts and notes (issue 10).
var pagesbWords = map[string][2]string{
	"report.sheet.realization":    {"Realisasi", "Realization"},
	"report.sheet.coverage":       {"Cakupan", "Coverage"},
	"report.sheet.overlaps":       {"Tanda bahaya", "Red flags"},
	"report.sheet.reconciliation": {"Rekonsiliasi", "Reconciliation"},
	"report.sheet.registry":       {"Registri", "Registry"},
	"report.dialect.excel-id":     {"Excel Indonesia: ; dan koma desimal", "Indonesian Excel: ; and decimal comma"},
}

package i18n

func init() { Register(programRuleWords) }

// programRuleWords are the words of issue 12: approval flags and their
// override, exclusion lists, historical imports and the LRA layout.
var programRuleWords = map[string][2]string{
	"audit.system": {"Sistem", "Sistem"},
}

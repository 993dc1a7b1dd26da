package i18n

func init() { RegisterMessages(pagesbMessageWords) }

// pagesbMessageWords are the messages of import templates and CSV dialects
// (finance.Msg keys, English text as the key, as in messageWords).
var pagesbMessageWords = map[string][2]string{
	"dialect must be one of %s":                              {"dialect harus salah satu dari %s", ""},
	"there is no %q import; use recipients or disbursements": {"tidak ada impor %q; gunakan recipients atau disbursements", ""},
	"format must be csv or xlsx":                             {"format harus csv atau xlsx", ""},
}

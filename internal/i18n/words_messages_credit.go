package i18n

func init() { RegisterMessages(creditMessageWords) }

// creditMessageWords are the messages of credit programs: loan terms,
// repayments, kolektibilitas and the credit report (finance.Msg keys,
// English text as the key, as in messageWords).
var creditMessageWords = map[string][2]string{
	"must be a percentage per year from 0 to 100 with at most 2 decimals, such as 6.00": {"harus persentase per tahun dari 0 sampai 100 dengan paling banyak 2 desimal, misalnya 6.00", ""},
	"must be between 1 and %d months":                                                 {"harus antara 1 dan %d bulan", ""},
	"must be after the disbursement date %s":                                          {"harus setelah tanggal penyaluran %s", ""},
	"only a disbursement of a credit program carries loan terms":                      {"hanya penyaluran program kredit yang memiliki syarat pinjaman", ""},
	"only a credit program has this":                                                  {"hanya program kredit yang memiliki ini", ""},
	"must not be after today (%s)":                                                    {"tidak boleh setelah hari ini (%s)", ""},
	"this loan was repaid in full on %s":                                              {"pinjaman ini sudah lunas pada %s", ""},
	"must not be before the loan was paid out (%s)":                                   {"tidak boleh sebelum pinjaman dicairkan (%s)", ""},
	"a repayment dated %s is already recorded; repayments are recorded in date order": {"angsuran bertanggal %s sudah dicatat; angsuran dicatat menurut urutan tanggal", ""},
	"1 current (lancar)":                                                              {"1 Lancar", ""},
	"2 special mention (dalam perhatian khusus)":                                      {"2 Dalam Perhatian Khusus", ""},
	"3 substandard (kurang lancar)":                                                   {"3 Kurang Lancar", ""},
	"4 doubtful (diragukan)":                                                          {"4 Diragukan", ""},
	"5 loss (macet)":                                                                  {"5 Macet", ""},
	"must be recipients, disbursements, figures or repayments":                        {"harus recipients, disbursements, figures atau repayments", ""},
	"must be the id of a loan (its disbursement's id)":                                {"harus id pinjaman (id penyalurannya)", ""},
	"give loan_id, recipient_nik or recipient_nib":                                    {"isi loan_id, recipient_nik atau recipient_nib", ""},
	"disbursement %d is not a loan":                                                   {"penyaluran %d bukan pinjaman", ""},
	"only a paid loan is repaid; this disbursement is %s":                             {"hanya pinjaman yang sudah dibayarkan yang dapat diangsur; penyaluran ini %s", ""},
	"this recipient has no paid loan; give the loan_id":                               {"penerima ini tidak memiliki pinjaman yang sudah dibayarkan; isi loan_id", ""},
	"this recipient has several paid loans; give the loan_id or program_code":         {"penerima ini memiliki beberapa pinjaman yang sudah dibayarkan; isi loan_id atau program_code", ""},
	"the credit report is not available":                                              {"laporan kredit tidak tersedia", ""},
	"program %s has %d loans; its kind and schedule kind can no longer change":        {"program %s memiliki %d pinjaman; jenis dan jenis jadwalnya tidak dapat diubah lagi", ""},
	"loan %d has %d repayments; it cannot be returned":                                {"pinjaman %d memiliki %d pembayaran angsuran; tidak dapat diretur", ""},
}

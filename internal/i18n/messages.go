package i18n

import "strings"

// domainMessages are the English messages the domain writes next to a
// field or above a form, by their fixed beginning, with their Indonesian
// wording. Message uses them until every domain error carries a message key
// of its own; a message not listed is shown as the domain wrote it.
var domainMessages = [][2]string{
	{"is required for an umkm", "wajib diisi untuk UMKM"},
	{"is required for a koperasi", "wajib diisi untuk koperasi"},
	{"is required for officers and reviewers", "wajib diisi untuk petugas dan reviu"},
	{"is required: say why the budget changes", "wajib diisi: sebutkan alasan perubahan pagu (misalnya APBD-Perubahan)"},
	{"is required", "wajib diisi"},
	{"must be 16 digits; it looks like scientific notation", "harus 16 angka; tampaknya tertulis sebagai notasi ilmiah dari lembar kerja (format kolomnya sebagai teks)"},
	{"must be 16 digits", "harus 16 angka"},
	{"must be 13 digits", "harus 13 angka"},
	{"must be 15 digits", "harus 15 angka (01.000.013.1-093.000) atau 16 angka"},
	{"digits 7 to 12 must be a birth date DDMMYY", "angka ke-7 sampai ke-12 harus tanggal lahir DDMMYY (tanggal ditambah 40 untuk perempuan)"},
	{"the last 4 digits (serial) must not be 0000", "4 angka terakhir (nomor urut) tidak boleh 0000"},
	{"must be digits only", "hanya boleh berisi angka"},
	{"must be one of ", "harus salah satu dari "},
	{"must not be negative", "tidak boleh negatif"},
	{"must be a year such as 2024", "harus tahun, misalnya 2024"},
	{"must be a year between 2000 and 2100", "harus tahun antara 2000 dan 2100"},
	{"must be an email address", "harus alamat email"},
	{"must be at most 100 characters", "paling banyak 100 karakter"},
	{"must be at most 500 characters", "paling banyak 500 karakter"},
	{"must be at most 2000 characters", "paling banyak 2000 karakter"},
	{"must be between 1 and 99", "harus antara 1 dan 99"},
	{"must not be before starts_on", "tidak boleh sebelum tanggal mulai"},
	{"must not be before the day it was paid", "tidak boleh sebelum tanggal dibayar"},
	{"must not exceed the budget", "tidak boleh melebihi pagu"},
	{"must be 2 to 40 capital letters", "harus 2 sampai 40 huruf kapital, angka, - atau _ (misalnya DAK-PK-2024)"},
	{"must be a whole number", "harus bilangan bulat"},
	{"must be a date as YYYY-MM-DD", "harus tanggal dengan format TTTT-BB-HH"},
	{"contradicts capital or annual sales, which make it ", "bertentangan dengan modal atau omzet tahunan, yang menjadikannya "},
	{"cannot be changed; delete the draft and record a new one", "tidak dapat diubah; hapus draf lalu catat yang baru"},
	{"cannot be changed", "tidak dapat diubah"},
	{"is changed only by a budget revision", "hanya diubah melalui revisi pagu"},
	{"makes the disbursement's note longer than 2000 characters", "membuat catatan penyaluran lebih dari 2000 karakter"},
	{"you recorded or submitted this disbursement; another person must decide on it", "Anda mencatat atau mengajukan penyaluran ini; orang lain yang harus memutuskannya."},
	{"an officer may cancel only drafts and their own submissions", "Petugas hanya boleh membatalkan draf dan pengajuannya sendiri."},
	{"this disbursement belongs to another agency", "Penyaluran ini milik instansi lain."},
	{"this belongs to another agency", "Data ini milik instansi lain."},
	{"the form has expired; reload the page and try again", "Formulir kedaluwarsa; muat ulang halaman lalu coba lagi."},
	{"sign in first", "Silakan masuk terlebih dahulu."},
}

// Message writes a domain message in lang: the Indonesian wording of a
// known English message, or the message unchanged. A beginning that ends
// in a space keeps what follows it (a list of choices, a size class); any
// other replaces the whole message.
func Message(lang, msg string) string {
	if lang == "en" || msg == "" {
		return msg
	}
	for _, m := range domainMessages {
		if strings.HasPrefix(msg, m[0]) {
			if strings.HasSuffix(m[0], " ") {
				return m[1] + strings.TrimPrefix(msg, m[0])
			}
			return m[1]
		}
	}
	return msg
}

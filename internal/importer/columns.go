package importer

import (
	"strings"

	"pilar/internal/finance"
)

// Column is one column of an import file: the one definition that the
// importer matches headers against, the template files are written from
// and the import page lists (docs/IMPORT.md describes the same table).
type Column struct {
	Name string // its name in FORMATS.md, as the importer reads it
	// Aliases are the other names accepted for it, in Bahasa Indonesia
	// ("kode_program"), written as normalised headers (see Normalize).
	Aliases []string
	// Need is the required group the column belongs to: 0 optional; columns
	// of one kind sharing a Need are alternatives, one of which is required.
	Need    int
	Example string // the template's example row
	// Text marks identifiers that a spreadsheet must keep as text (a
	// 16-digit NIK turns into 6.47201E+15 otherwise); the XLSX template
	// formats these columns as text.
	Text bool
}

// Meaning is the i18n key of the column's description on the import page.
func (c Column) Meaning(kind string) string { return "import.col." + kind + "." + c.Name }

// Columns are the columns of each kind of import, in the order the
// templates write them.
var Columns = map[string][]Column{
	Recipients: {
		{Name: "kind", Aliases: []string{"jenis", "jenis_penerima"}, Need: 1, Example: "umkm"},
		{Name: "name", Aliases: []string{"nama", "nama_usaha"}, Need: 2, Example: "Amplang Bu Sari"},
		{Name: "owner_name", Aliases: []string{"nama_pemilik"}, Example: "Sari Wulandari"},
		{Name: "nik", Aliases: []string{"nik_pemilik"}, Need: 3, Example: "6472014506850001", Text: true},
		{Name: "nib", Example: "9120001234567", Text: true},
		{Name: "npwp", Text: true},
		{Name: "sector", Aliases: []string{"sektor", "bidang_usaha"}, Example: "Makanan olahan"},
		{Name: "size_class", Aliases: []string{"skala_usaha", "kelas_usaha"}, Example: "mikro"},
		{Name: "region_code", Aliases: []string{"kode_wilayah"}, Example: "64.72", Text: true},
		{Name: "address", Aliases: []string{"alamat"}, Example: "Jl. Pahlawan No. 5, Samarinda"},
		{Name: "phone", Aliases: []string{"telepon", "no_hp", "nomor_hp"}, Example: "081234567890", Text: true},
		{Name: "bank_code", Aliases: []string{"kode_bank"}, Example: "BPD-KALTIMTARA"},
		{Name: "account_no", Aliases: []string{"no_rekening", "nomor_rekening"}, Example: "0012345678", Text: true},
		{Name: "account_holder", Aliases: []string{"nama_rekening", "pemilik_rekening"}, Example: "Sari Wulandari"},
		{Name: "legal_number", Aliases: []string{"nomor_badan_hukum", "no_badan_hukum"}, Need: 3, Text: true},
		{Name: "members", Aliases: []string{"jumlah_anggota"}},
		{Name: "last_rat_year", Aliases: []string{"tahun_rat"}},
		{Name: "active", Aliases: []string{"aktif"}},
		{Name: "capital", Aliases: []string{"modal"}, Example: "50000000"},
		{Name: "annual_sales", Aliases: []string{"omzet", "omzet_tahunan"}},
		{Name: "business_volume", Aliases: []string{"volume_usaha"}},
		{Name: "assets", Aliases: []string{"aset"}},
		{Name: "workforce", Aliases: []string{"tenaga_kerja"}},
		{Name: "valid_from", Aliases: []string{"berlaku_sejak"}},
	},
	Disbursements: {
		{Name: "program_code", Aliases: []string{"kode_program"}, Need: 1, Example: "DAK-PK-2024"},
		{Name: "recipient_nik", Aliases: []string{"nik_penerima", "nik"}, Need: 2, Example: "6472014506850001", Text: true},
		{Name: "recipient_nib", Aliases: []string{"nib_penerima", "nib"}, Need: 2, Text: true},
		{Name: "amount", Aliases: []string{"jumlah", "nilai", "nominal"}, Need: 3, Example: "2400000"},
		{Name: "disbursed_on", Aliases: []string{"tanggal", "tanggal_salur", "tanggal_penyaluran"}, Need: 4, Example: "2024-07-12"},
		{Name: "tranche", Aliases: []string{"tahap"}, Example: "1"},
		{Name: "form", Aliases: []string{"bentuk"}, Example: "transfer"},
		{Name: "payment_ref", Aliases: []string{"referensi", "no_referensi", "nomor_referensi"}, Example: "TRF-2024-000123", Text: true},
		{Name: "note", Aliases: []string{"catatan", "keterangan"}, Example: "Tahap 1"},
		{Name: "paid_on", Aliases: []string{"tanggal_bayar", "tanggal_dibayar"}},
		// A loan of a credit program (issue 15).
		{Name: "tenor_months", Aliases: []string{"jangka_waktu", "tenor"}},
		{Name: "interest_rate", Aliases: []string{"suku_bunga", "bunga"}},
		{Name: "first_due_on", Aliases: []string{"jatuh_tempo_pertama"}},
	},
	Repayments: {
		{Name: "loan_id", Aliases: []string{"id_pinjaman"}, Need: 1},
		{Name: "recipient_nik", Aliases: []string{"nik_penerima", "nik"}, Need: 1, Example: "6571014101900001", Text: true},
		{Name: "recipient_nib", Aliases: []string{"nib_penerima", "nib"}, Need: 1, Text: true},
		{Name: "program_code", Aliases: []string{"kode_program"}, Example: "BI-KREDIT-KALTARA-2025"},
		{Name: "paid_on", Aliases: []string{"tanggal_bayar", "tanggal"}, Need: 2, Example: "2025-03-10"},
		{Name: "amount", Aliases: []string{"jumlah", "nilai", "nominal"}, Need: 3, Example: "1032797.16"},
		{Name: "reference", Aliases: []string{"referensi", "no_referensi"}, Example: "ANGS-2025-0001", Text: true},
	},
	Figures: {
		{Name: "recipient_id", Aliases: []string{"id_penerima"}, Need: 1},
		{Name: "nik", Aliases: []string{"nik_pemilik"}, Need: 1, Example: "6472014506850001", Text: true},
		{Name: "nib", Need: 1, Text: true},
		{Name: "legal_number", Aliases: []string{"nomor_badan_hukum", "no_badan_hukum"}, Need: 1, Text: true},
		{Name: "valid_from", Aliases: []string{"berlaku_sejak", "tanggal", "per_tanggal"}, Need: 2, Example: "2023-12-31"},
		{Name: "size_class", Aliases: []string{"skala_usaha", "kelas_usaha"}, Example: "kecil"},
		{Name: "active", Aliases: []string{"aktif"}, Example: "ya"},
		{Name: "members", Aliases: []string{"jumlah_anggota"}},
		{Name: "business_volume", Aliases: []string{"volume_usaha"}, Example: "750000000"},
		{Name: "assets", Aliases: []string{"aset"}, Example: "320000000"},
		{Name: "workforce", Aliases: []string{"tenaga_kerja"}, Example: "6"},
		{Name: "last_rat_year", Aliases: []string{"tahun_rat"}},
	},
}

// Normalize is a header cell as the importer matches it: lower case,
// without a BOM or a note in parentheses, with runs of spaces, hyphens,
// dots and underscores as one underscore ("Kode Program" is kode_program,
// "No. Rekening" no_rekening, "Jumlah (Rp)" jumlah).
func Normalize(h string) string {
	h = strings.ToLower(strings.TrimPrefix(h, "\ufeff"))
	var b strings.Builder
	depth := 0
	for _, r := range h {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.FieldsFunc(b.String(), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '.' || r == '\t'
	}), "_")
}

// headerIndex maps the kind's column names to their index in header: a
// column's own name first, else the first of its aliases present; other
// headers are ignored.
func headerIndex(kind string, header []string) map[string]int {
	at := map[string]int{}
	for i, h := range header {
		if h = Normalize(h); h != "" {
			if _, dup := at[h]; !dup {
				at[h] = i
			}
		}
	}
	col := map[string]int{}
	for _, c := range Columns[kind] {
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			if i, ok := at[name]; ok {
				col[c.Name] = i
				break
			}
		}
	}
	return col
}

// requiredGroups are the kind's required columns, group by group: each
// group's names, one of which the header must hold.
func requiredGroups(kind string) [][]string {
	var groups [][]string
	for _, c := range Columns[kind] {
		if c.Need == 0 {
			continue
		}
		for len(groups) < c.Need {
			groups = append(groups, nil)
		}
		groups[c.Need-1] = append(groups[c.Need-1], c.Name)
	}
	return groups
}

// Act is what an import of kind needs the actor to be allowed; "" for an
// unknown kind.
func Act(kind string) finance.Act { return acts[kind] }

// Alternatives are the other columns of kind that can stand in for the
// required column c (nik or legal_number), nil for none.
func Alternatives(kind string, c Column) []string {
	if c.Need == 0 {
		return nil
	}
	var out []string
	for _, o := range Columns[kind] {
		if o.Need == c.Need && o.Name != c.Name {
			out = append(out, o.Name)
		}
	}
	return out
}

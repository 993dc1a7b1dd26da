package finance

import (
	"strings"
)

// provinces are the Kemendagri province codes (Permendagri 72/2019 and the
// 2022 Papua provinces): all 38.
var provinces = map[string]string{
	"11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau",
	"15": "Jambi", "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung",
	"19": "Kepulauan Bangka Belitung", "21": "Kepulauan Riau", "31": "DKI Jakarta",
	"32": "Jawa Barat", "33": "Jawa Tengah", "34": "DI Yogyakarta", "35": "Jawa Timur",
	"36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat", "53": "Nusa Tenggara Timur",
	"61": "Kalimantan Barat", "62": "Kalimantan Tengah", "63": "Kalimantan Selatan",
	"64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
	"72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
	"75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara",
	"91": "Papua", "92": "Papua Barat", "93": "Papua Selatan", "94": "Papua Tengah",
	"95": "Papua Pegunungan", "96": "Papua Barat Daya",
}

// regencies are the Kemendagri regency (kabupaten, 01-69) and city (kota,
// 71-99) codes of the provinces whose whole list Pilar ships: the five
// Kalimantan provinces, where its offices work.
var regencies = map[string]string{
	// Kalimantan Barat
	"61.01": "Kabupaten Sambas", "61.02": "Kabupaten Bengkayang", "61.03": "Kabupaten Landak",
	"61.04": "Kabupaten Mempawah", "61.05": "Kabupaten Sanggau", "61.06": "Kabupaten Ketapang",
	"61.07": "Kabupaten Sintang", "61.08": "Kabupaten Kapuas Hulu", "61.09": "Kabupaten Sekadau",
	"61.10": "Kabupaten Melawi", "61.11": "Kabupaten Kayong Utara", "61.12": "Kabupaten Kubu Raya",
	"61.71": "Kota Pontianak", "61.72": "Kota Singkawang",
	// Kalimantan Tengah
	"62.01": "Kabupaten Kotawaringin Barat", "62.02": "Kabupaten Kotawaringin Timur", "62.03": "Kabupaten Kapuas",
	"62.04": "Kabupaten Barito Selatan", "62.05": "Kabupaten Barito Utara", "62.06": "Kabupaten Sukamara",
	"62.07": "Kabupaten Lamandau", "62.08": "Kabupaten Seruyan", "62.09": "Kabupaten Katingan",
	"62.10": "Kabupaten Pulang Pisau", "62.11": "Kabupaten Gunung Mas", "62.12": "Kabupaten Barito Timur",
	"62.13": "Kabupaten Murung Raya", "62.71": "Kota Palangka Raya",
	// Kalimantan Selatan
	"63.01": "Kabupaten Tanah Laut", "63.02": "Kabupaten Kotabaru", "63.03": "Kabupaten Banjar",
	"63.04": "Kabupaten Barito Kuala", "63.05": "Kabupaten Tapin", "63.06": "Kabupaten Hulu Sungai Selatan",
	"63.07": "Kabupaten Hulu Sungai Tengah", "63.08": "Kabupaten Hulu Sungai Utara", "63.09": "Kabupaten Tabalong",
	"63.10": "Kabupaten Tanah Bumbu", "63.11": "Kabupaten Balangan", "63.71": "Kota Banjarmasin",
	"63.72": "Kota Banjarbaru",
	// Kalimantan Timur
	"64.01": "Kabupaten Paser", "64.02": "Kabupaten Kutai Barat", "64.03": "Kabupaten Kutai Kartanegara",
	"64.04": "Kabupaten Kutai Timur", "64.05": "Kabupaten Berau", "64.09": "Kabupaten Penajam Paser Utara",
	"64.11": "Kabupaten Mahakam Ulu", "64.71": "Kota Balikpapan", "64.72": "Kota Samarinda",
	"64.74": "Kota Bontang",
	// Kalimantan Utara
	"65.01": "Kabupaten Malinau", "65.02": "Kabupaten Bulungan", "65.03": "Kabupaten Tana Tidung",
	"65.04": "Kabupaten Nunukan", "65.71": "Kota Tarakan",
}

// regencyListed holds the provinces whose regencies are all in regencies.
var regencyListed = map[string]bool{"61": true, "62": true, "63": true, "64": true, "65": true}

// ProvinceName returns the name of a province code, or "".
func ProvinceName(code string) string { return provinces[code] }

// RegionName returns the name of a province or regency code ("64",
// "64.72"), or "" when Pilar's table does not know it.
func RegionName(code string) string {
	if len(code) == 2 {
		return provinces[code]
	}
	return regencies[code]
}

// ValidRegion reports what is wrong with a Kemendagri region code, or ""
// when it is valid: shaped like "64", "64.72", "64.72.01" or
// "64.72.01.1001", with a known province and, in the provinces whose
// regencies Pilar lists (61 to 65), a known regency or city. Districts and
// villages are checked for shape only.
func ValidRegion(code string) string { return regionMsg(code).String() }

// regionMsg is what ValidRegion says, as a message; Key "" when valid.
func regionMsg(code string) Msg {
	if msg := ValidRegionFormat(code); msg != "" {
		return M(msg)
	}
	prov := code[:2]
	if provinces[prov] == "" {
		return M("%s is not a Kemendagri province code", prov)
	}
	if len(code) >= 5 && regencyListed[prov] && regencies[code[:5]] == "" {
		return M("%s is not a regency or city of %s in the Kemendagri table", code[:5], provinces[prov])
	}
	return Msg{}
}

// RegionLabel writes a region code with its name when known: "64.72 Kota Samarinda".
func RegionLabel(code string) string {
	name := RegionName(code)
	if name == "" && len(code) > 5 {
		name = RegionName(code[:5])
	}
	return strings.TrimSpace(code + " " + name)
}

package importer

import (
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"pilar/internal/export"
	"pilar/internal/finance"
	"pilar/internal/i18n"
)

// TemplateFormats are the formats a template is written in.
var TemplateFormats = []string{"csv", "xlsx"}

// WriteTemplate writes the template file of an import kind: a header of
// its Columns' names and one example row, as CSV (UTF-8 with a BOM, in
// dialect d) or as an XLSX workbook whose identifier columns are text, its
// sheet named in lang. Errors: not_found (an unknown kind), bad_request
// (an unknown format), those of w.
func WriteTemplate(w io.Writer, kind, format string, d export.Dialect, lang string) error {
	cols, ok := Columns[kind]
	if !ok {
		return finance.Errorf(finance.ENotFound, "there is no %q import; use recipients or disbursements", kind)
	}
	header, example := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		header[i], example[i] = c.Name, c.Example
	}
	switch format {
	case "csv":
		io.WriteString(w, "\uFEFF")
		cw := d.NewWriter(w)
		cw.Write(header)
		cw.Write(example)
		cw.Flush()
		return cw.Error()
	case "xlsx":
		return writeTemplateXLSX(w, kind, lang, cols, header, example)
	}
	return finance.Errorf(finance.EBadRequest, "format must be csv or xlsx")
}

// writeTemplateXLSX writes the workbook: the columns and example on the
// first sheet (the one the importer reads), and a second sheet that says
// what each column holds.
func writeTemplateXLSX(w io.Writer, kind, lang string, cols []Column, header, example []string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := i18n.T(lang, "import."+kind)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := writeGuide(f, kind, lang, cols); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": typed digits stay as typed
	if err != nil {
		return err
	}
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		// Widths are in characters (excelize takes them as floats; not amounts).
		if err := f.SetColWidth(sheet, name, name, float64(max(len(c.Name), len(c.Example))+4)); err != nil {
			return err
		}
		if c.Text {
			if err := f.SetColStyle(sheet, name, text); err != nil {
				return err
			}
		}
		if err := f.SetCellStr(sheet, name+"1", header[i]); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, name+"1", name+"1", bold); err != nil {
			return err
		}
		if example[i] != "" {
			if err := f.SetCellStr(sheet, name+"2", example[i]); err != nil {
				return err
			}
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// writeGuide adds the sheet that lists the columns as the import page
// does: name, other names accepted, required, meaning, example.
func writeGuide(f *excelize.File, kind, lang string, cols []Column) error {
	guide := i18n.T(lang, "import.guide")
	if _, err := f.NewSheet(guide); err != nil {
		return err
	}
	rows := [][]string{{i18n.T(lang, "import.col.name"), i18n.T(lang, "import.col.aliases"), i18n.T(lang, "import.col.required"),
		i18n.T(lang, "import.col.meaning"), i18n.T(lang, "import.col.example")}}
	for _, c := range cols {
		need := i18n.T(lang, "import.col.optional")
		if c.Need != 0 {
			need = i18n.T(lang, "import.col.must")
			if alts := Alternatives(kind, c); alts != nil {
				need = i18n.T(lang, "import.col.one_of") + " " + strings.Join(alts, ", ")
			}
		}
		rows = append(rows, []string{c.Name, strings.Join(c.Aliases, ", "), need, i18n.T(lang, c.Meaning(kind)), c.Example})
	}
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(guide, cell, v); err != nil {
				return err
			}
		}
	}
	for col, width := range map[string]float64{"A": 18, "B": 36, "C": 24, "D": 70, "E": 24} {
		if err := f.SetColWidth(guide, col, col, width); err != nil {
			return err
		}
	}
	return nil
}

package importer_test

import (
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/importer"
	"pilar/internal/report"
)

// The recipient import's optional columns carry the yearly figures and the
// date they hold from; a later file with ?update=true adds to the history.
func TestImport_RegistryColumns(t *testing.T) {
	w := dbtest.NewWorld(t)
	head := "kind,name,nik,legal_number,size_class,workforce,members,last_rat_year,business_volume,assets,valid_from\n"
	res, err := importFile(t, w, w.Officer, head+
		"umkm,Amplang,6472014506850001,,mikro,3,,,,,2023-12-31\n"+
		"koperasi,Kop Tarakan,,AHU-9,,,120,2022,1.000.000.000,500.000.000,2023-12-31\n"+
		"umkm,Bad date,6472014506850002,,mikro,1,,,,,31/12/2023\n"+
		"umkm,Bad workforce,6472014506850003,,mikro,-2,,,,,2023-12-31\n", importer.Options{Kind: importer.Recipients})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, res, 2, 0, 0, 2)
	if res.Errors[0].Row != 4 || res.Errors[0].Field != "valid_from" || res.Errors[1].Row != 5 || res.Errors[1].Field != "workforce" {
		t.Errorf("errors = %+v", res.Errors)
	}
	res, err = importFile(t, w, w.Officer, head+
		"umkm,Amplang,6472014506850001,,kecil,6,,,,,2024-12-31\n"+
		"koperasi,Kop Tarakan,,AHU-9,,,130,2023,1.200.000.000,600.000.000,2024-12-31\n", importer.Options{Kind: importer.Recipients, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, res, 0, 2, 0, 0)
	rep, err := w.Store.RegistryReport(w.Ctx(w.Auditor), registryFilter("2024-12-31", "size_class"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals.Count != 2 || rep.Totals.CountPrev != 2 || rep.Totals.NaikKelas != 1 || rep.Totals.Workforce != 6 ||
		rep.Koperasi.Improved != 1 || rep.Koperasi.RATHeld != 1 {
		t.Errorf("registry = %+v %+v", rep.Totals, rep.Koperasi)
	}
}

func registryFilter(asOf, groupBy string) report.Filter {
	return report.Filter{Year: 2024, AsOf: asOf, GroupBy: groupBy}
}

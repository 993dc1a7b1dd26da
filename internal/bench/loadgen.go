package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"pilar/internal/benchgen"
)

// loadWorkload runs opt.Clients clients on 127.0.0.1 for opt.Load each
// way: every client records drafts (POST /api/v1/disbursements) and reads
// the realization report by program, three creates to one read; once into
// an empty program, once into the set's fullest program, so that the cost
// of a write can be compared with the rows already there.
func (r *run) loadWorkload(ctx context.Context) error {
	empty := benchgen.Program{Code: "LOAD-EMPTY-2024", Name: "Beban kosong", Kind: "grant", FundingSource: "APBN", Agency: benchgen.Agencies[3].Code,
		Year: ReportYear, BudgetSen: 1 << 50, Target: 1, StartsOn: "2024-01-01", EndsOn: "2024-12-31"}
	if err := createProgram(r.ctx, r.st, empty); err != nil {
		return err
	}
	full := r.set.Programs[2] // a 2024 program holding N/50 rows
	for _, p := range []struct {
		code     string
		tranche0 int
	}{{empty.Code, 1}, {full.Code, 60}} {
		if err := r.loadOne(ctx, p.code, p.tranche0); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) loadOne(ctx context.Context, program string, tranche0 int) error {
	nRec := int64(r.set.Recipients - r.set.RepeatedNIKs)
	var counter atomic.Int64
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	var failed atomic.Int64
	var firstErr atomic.Value
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: r.opt.Clients}}
	end := time.Now().Add(r.opt.Load)
	var wg sync.WaitGroup
	var cpu0 time.Duration
	_, rss, _ := measure(func() error {
		cpu0 = cpuTime() // after measure's FreeOSMemory
		for i := 0; i < r.opt.Clients; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := map[string][]time.Duration{}
				// Client i starts at step i of the three-creates-one-read
				// cycle, so that reads go out from the start however short
				// the run (a slow run gives each client only a few steps).
				for k := i; time.Now().Before(end); k++ {
					kind, method, path := "create", "POST", "/api/v1/disbursements"
					var body []byte
					if k%4 == 3 {
						kind, method, path = "realization", "GET", fmt.Sprintf("/api/v1/reports/realization?year=%d&group_by=program", ReportYear)
					} else {
						n := counter.Add(1) - 1
						if tranche0+int(n/nRec) > 99 {
							return
						}
						body, _ = json.Marshal(map[string]any{"program": program, "recipient_id": 1 + n%nRec, "amount": "2400000.00",
							"tranche": tranche0 + int(n/nRec), "disbursed_on": "2024-06-01"})
					}
					start := time.Now()
					err := r.do(ctx, c, method, path, body)
					mine[kind] = append(mine[kind], time.Since(start))
					if err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					}
				}
				mu.Lock()
				for k, v := range mine {
					lat[k] = append(lat[k], v...)
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		return nil
	})
	// CPU per request, both kinds and the clients too (they run in this
	// process): what the others on a shared machine move least.
	cpu, requests := cpuTime()-cpu0, 0
	for _, l := range lat {
		requests += len(l)
	}
	note := ""
	if requests > 0 {
		note = fmt.Sprintf("; CPU %.0f µs a request (%d of all kinds, clients included)", float64(cpu.Microseconds())/float64(requests), requests)
	}
	if f := failed.Load(); f > 0 {
		note += fmt.Sprintf("; %d failed, first: %v", f, firstErr.Load())
	}
	for _, kind := range []string{"create", "realization"} {
		l := lat[kind]
		slices.Sort(l)
		if len(l) == 0 {
			continue
		}
		r.add(Row{Workload: fmt.Sprintf("HTTP %s, %d clients (req/s)", kind, r.opt.Clients), Pilar: float64(len(l)) / r.opt.Load.Seconds(), Unit: "req/s", RSS: rss,
			Note: fmt.Sprintf("into %s: p50 %s, p99 %s, %d requests%s", program, pct(l, 50), pct(l, 99), len(l), note)})
	}
	return nil
}

func pct(l []time.Duration, p int) time.Duration {
	return l[min(len(l)-1, len(l)*p/100)].Round(time.Microsecond * 100)
}

// do sends one request as the admin; a status other than 200 or 201 is an error.
func (r *run) do(ctx context.Context, c *http.Client, method, path string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 && resp.StatusCode != 201 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(msg[:min(len(msg), 200)]))
	}
	return nil
}

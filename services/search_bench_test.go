package services_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/internal/benchdata"
	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// BenchmarkSearch measures Catalog.SearchProducts on PostgreSQL with the
// catalogue `make bench` seeds (internal/benchdata), at 1,000 products from 20
// sellers and 100,000 from 2,000, so the two sizes show how the cost grows:
//
//	go test -run '^$' -bench 'BenchmarkSearch/100k' -benchtime 2000x ./services
//
// Kinds: Popular is the one query everybody types ("mug", 1.5 % of the
// catalogue; the handlers' cache serves it, this is its cost when it is not
// cached), Spread cycles through 1,000 distinct queries, Typo through words one
// edit from a product noun, FilteredSorted is a word with a price range in
// price order. Each kind runs one query at a time (latency of the service
// alone) and then from 32 goroutines at once (the 32 connections of `make
// bench`, sharing the app's pool of 4×GOMAXPROCS connections). Besides ns/op
// it reports p50 and p99 of the individual calls, in µs, and the database's
// CPU time per call. Plans logs the EXPLAIN ANALYZE of each kind's query (with
// -v) and fails if one reads products sequentially at 100,000.
func BenchmarkSearch(b *testing.B) {
	for _, size := range []struct {
		name              string
		products, sellers int
	}{{"1k", 1_000, 20}, {"100k", 100_000, 2_000}} {
		b.Run(size.name, func(b *testing.B) {
			db := seededSearchDatabase(b, size.products, size.sellers)
			for _, kind := range searchBenchKinds() {
				b.Run(kind.name, func(b *testing.B) { benchmarkQueries(b, db, kind.queries, 1) })
				b.Run(kind.name+"/parallel32", func(b *testing.B) { benchmarkQueries(b, db, kind.queries, 32) })
			}
			b.Run("Plans", func(b *testing.B) {
				for _, kind := range searchBenchKinds() {
					plan := explainSearch(b, db, kind.queries[0], false)
					b.Logf("%s: %+v\n%s", kind.name, kind.queries[0], plan)
					if size.products >= 100_000 && strings.Contains(plan, "Seq Scan on products") {
						b.Errorf("%s reads all products", kind.name)
					}
				}
				for b.Loop() {
				}
			})
		})
	}
}

type searchBenchKind struct {
	name    string
	queries []models.ProductQuery
}

func searchBenchKinds() []searchBenchKind {
	parse := func(in models.SearchInput) models.ProductQuery {
		q, err := in.Parse()
		if err != nil {
			panic(err)
		}
		return q
	}
	var spread, typos []models.ProductQuery
	for _, text := range benchdata.Queries(1000) {
		spread = append(spread, parse(models.SearchInput{Q: text}))
	}
	for _, text := range benchdata.TypoQueries() {
		typos = append(typos, parse(models.SearchInput{Q: text}))
	}
	text, minCents, maxCents, sort := benchdata.FilteredQuery()
	filtered := parse(models.SearchInput{Q: text, Sort: string(sort),
		Min: models.FormatPrice(minCents), Max: models.FormatPrice(maxCents)})
	return []searchBenchKind{
		{"Popular", []models.ProductQuery{parse(models.SearchInput{Q: benchdata.PopularQuery})}},
		{"Spread", spread},
		{"Typo", typos},
		{"FilteredSorted", []models.ProductQuery{filtered}},
	}
}

// benchmarkQueries runs the queries in turn from workers goroutines and
// reports the percentiles of the calls' durations.
func benchmarkQueries(b *testing.B, db *bun.DB, queries []models.ProductQuery, workers int) {
	catalog := services.NewCatalog(db)
	ctx := context.Background()
	var next atomic.Int64
	var mu sync.Mutex
	var durations []time.Duration
	run := func(local *[]time.Duration) {
		q := queries[int(next.Add(1))%len(queries)]
		start := time.Now()
		page, err := catalog.SearchProducts(ctx, q)
		*local = append(*local, time.Since(start))
		if err != nil || (q.Text == benchdata.PopularQuery && len(page.Products) == 0) {
			b.Errorf("%+v: %d products, %v", q, len(page.Products), err)
		}
	}
	b.ReportAllocs()
	pg := startBackendCPU(b, db)
	b.ResetTimer()
	if workers == 1 {
		for b.Loop() {
			run(&durations)
		}
	} else {
		b.SetParallelism(max(1, workers/runtime.GOMAXPROCS(0)))
		b.RunParallel(func(pb *testing.PB) {
			var local []time.Duration
			for pb.Next() {
				run(&local)
			}
			mu.Lock()
			durations = append(durations, local...)
			mu.Unlock()
		})
	}
	b.StopTimer()
	if cpu, ok := pg.since(b); ok {
		b.ReportMetric(float64(cpu)/float64(time.Microsecond)/float64(len(durations)), "pg-cpu-µs/op")
	}
	slices.Sort(durations)
	pct := func(p float64) float64 {
		return float64(durations[min(len(durations)-1, int(p*float64(len(durations))))]) / float64(time.Microsecond)
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// backendCPU is the CPU time PostgreSQL's backends for the benchmark's
// database have used (Δ utime+stime from /proc, when the server runs on this
// machine): per query, it is the most stable figure on a shared machine.
type backendCPU struct {
	db    *bun.DB
	start map[int]time.Duration
}

func startBackendCPU(b *testing.B, db *bun.DB) *backendCPU {
	return &backendCPU{db: db, start: backendTimes(b, db)}
}

func (c *backendCPU) since(b *testing.B) (time.Duration, bool) {
	if c.start == nil {
		return 0, false
	}
	var total time.Duration
	for pid, t := range backendTimes(b, c.db) {
		total += t - c.start[pid] // a backend started during the run counts from zero
	}
	return total, true
}

// backendTimes reads the CPU time of each backend connected to db's database;
// nil when /proc does not have them (a server on another machine).
func backendTimes(b *testing.B, db *bun.DB) map[int]time.Duration {
	var pids []int
	if err := db.NewRaw("SELECT pid FROM pg_stat_activity WHERE datname = current_database()").Scan(context.Background(), &pids); err != nil {
		b.Fatal(err)
	}
	times := map[int]time.Duration{}
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return nil
		}
		// Fields 14 and 15 (utime, stime) in clock ticks, after the command in parentheses.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		times[pid] = time.Duration(utime+stime) * time.Second / clockTicks
	}
	return times
}

// clockTicks is USER_HZ, the unit of /proc's CPU times (100 on Linux).
const clockTicks = 100

// seededSearchDatabase is a fresh PostgreSQL database with the benchmark catalogue.
func seededSearchDatabase(b *testing.B, products, sellers int) *bun.DB {
	b.Helper()
	db, err := services.OpenDB(testenv.Postgres(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := services.Migrate(ctx, db); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := benchdata.Seed(ctx, db, sellers, products, "x"); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d products from %d sellers in %v", products, sellers, time.Since(start).Round(time.Millisecond))
	return db
}

// explainSearch runs the SQL SearchProducts runs for q under EXPLAIN (ANALYZE,
// BUFFERS) and returns it and the plan; withoutSeqScan first forbids sequential
// scans where the planner has another way (a plan that still has one has no
// index it could use). The arguments are written into the query, so the plan
// is the one for these values.
func explainSearch(tb testing.TB, db *bun.DB, q models.ProductQuery, withoutSeqScan bool) string {
	tb.Helper()
	ctx := context.Background()
	sql, err := services.NewCatalog(db).SearchSQL(ctx, q)
	if err != nil {
		tb.Fatal(err)
	}
	var plan []string
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if withoutSeqScan {
			if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
		}
		return tx.NewRaw("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ?", bun.Safe(sql)).Scan(ctx, &plan)
	})
	if err != nil {
		tb.Fatalf("explain %s: %v", sql, err)
	}
	return sql + "\n" + strings.Join(plan, "\n")
}

// Every kind of search query has an index path on PostgreSQL: with sequential
// scans made a last resort, none is left on products, and the plan reads one of
// the indexes made for that kind of query (not a whole other index instead).
func TestSearchQueriesUseIndexes(t *testing.T) {
	db := services.Databases(t)["postgres"]
	seedSearchCatalogue(t, db)
	// Enough other products that the planner weighs the indexes as in a shop:
	// on a dozen products, walking the partial index of all published products
	// (products_public_newest_idx) costs less than any search index.
	if _, err := benchdata.Seed(context.Background(), db, 20, 2000, "x"); err != nil {
		t.Fatal(err)
	}
	const text, newest, price = "products_search_idx", "products_public_newest_idx", "products_price_idx"
	for _, tc := range []struct {
		in      models.SearchInput
		indexes []string
	}{
		{models.SearchInput{Q: "mug"}, []string{text}},
		{models.SearchInput{Q: "hedphones"}, []string{text}},
		{models.SearchInput{Q: `"tea towel" or mug -enamel`}, []string{text}},
		{models.SearchInput{Q: "mug", Min: "5", Max: "50"}, []string{text, price}},
		{models.SearchInput{Q: "mug", Sort: "newest"}, []string{text, newest}},
		{models.SearchInput{Q: "hedphones", Sort: "price_desc"}, []string{text, price}},
		{models.SearchInput{Q: "mug", Min: "5", Max: "50", Sort: "price_asc"}, []string{text, price}},
		{models.SearchInput{Sort: "price_asc"}, []string{price}},
		{models.SearchInput{Min: "5", Sort: "newest"}, []string{newest, price}},
	} {
		q, err := tc.in.Parse()
		if err != nil {
			t.Fatal(err)
		}
		plan := explainSearch(t, db, q, true)
		if strings.Contains(plan, "Seq Scan on products") ||
			!slices.ContainsFunc(tc.indexes, func(index string) bool { return strings.Contains(plan, index) }) {
			t.Errorf("%+v: want a plan on %v without a sequential scan of products:\n%s", tc.in, tc.indexes, plan)
		}
	}
}

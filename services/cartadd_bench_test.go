package services_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// BenchmarkCartAdd is an add to an existing line of an existing cart (make
// bench's scenario n), one at a time on PostgreSQL: the one prepared statement.
// pg-cpu-µs/op is the CPU of the database's backends per add (commit included).
func BenchmarkCartAdd(b *testing.B) {
	d, ok := services.DatabasesWithURLs(b)["postgres"]
	if !ok {
		b.Skip("no PostgreSQL")
	}
	s := newBuyingShop(b, d, nil, services.CheckoutConfig{})
	seller, buyer := s.user("seller"), s.user("buyer")
	var products []int64
	for range 5 {
		products = append(products, s.product(seller, "Mug", 1200, -1))
	}
	for _, p := range products {
		s.add(buyer, p, 1)
	}
	me := models.CartOwner{UserID: buyer}
	b.ResetTimer()
	before := backendsCPU(b, s)
	for i := 0; b.Loop(); i++ {
		if _, err := s.carts.Add(s.ctx, me, products[i%5], 1); err != nil {
			b.Fatal(err)
		}
	}
	if before >= 0 {
		b.ReportMetric(float64(backendsCPU(b, s)-before)*1e6/100/float64(b.N), "pg-cpu-µs/op")
	}
}

// backendsCPU sums the CPU ticks (1/100 s) of the database's backends, or -1
// when they cannot be read (a server on another machine).
func backendsCPU(b *testing.B, s *buyingShop) int64 {
	var pids []int64
	if err := s.db.NewRaw("SELECT pid FROM pg_stat_activity WHERE datname = current_database()").Scan(s.ctx, &pids); err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, pid := range pids {
		raw, err := os.ReadFile("/proc/" + strconv.FormatInt(pid, 10) + "/stat")
		if err != nil {
			return -1
		}
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += u + st
	}
	return total
}

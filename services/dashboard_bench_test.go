package services_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// BenchmarkSellerDashboard compares the account page's old read
// (ProductsBySeller) with SellerDashboard, for a seller with 50 products, each
// with two images, among the 1,000 products of BenchmarkCatalogQueries.
// Besides time per call it reports the CPU per call of the PostgreSQL backend
// that served the calls (pg-µs/op; one connection, read from /proc) and of
// this process (app-µs/op, GC included): on a shared machine the page's
// ceiling follows the sum of the two.
func BenchmarkSellerDashboard(b *testing.B) {
	db, users := seededPostgres(b)
	seller := seedDashboard(b, db, users[3].ID, users)
	ctx := context.Background()

	// One connection, so that one backend serves every call.
	db.SetMaxOpenConns(1)
	catalog := services.NewCatalog(db)
	b.Run("ProductsBySeller", func(b *testing.B) {
		measureBackend(b, db, func() {
			if p, err := catalog.ProductsBySeller(ctx, seller); err != nil || len(p) != 50 {
				b.Fatal(len(p), err)
			}
		})
	})
	b.Run("SellerDashboard", func(b *testing.B) {
		measureBackend(b, db, func() {
			if d, err := catalog.SellerDashboard(ctx, seller); err != nil || len(d.Products) != 50 || d.Products[0].Cover.IsZero() || d.Store == nil {
				b.Fatal(len(d.Products), err)
			}
		})
	})
}

// seedDashboard gives the seller 50 products in all, each with two images, and
// every user a store; it returns the seller.
func seedDashboard(b *testing.B, db *bun.DB, seller int64, users []models.User) int64 {
	b.Helper()
	ctx := context.Background()
	start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	more := make([]models.Product, 30)
	for i := range more {
		more[i] = models.Product{SellerID: seller, Name: fmt.Sprintf("Extra %d", i), PriceCents: 500, CreatedAt: start.Add(time.Duration(i) * time.Minute)}
	}
	if _, err := db.NewInsert().Model(&more).Exec(ctx); err != nil {
		b.Fatal(err)
	}
	for _, u := range users {
		st := models.Store{UserID: u.ID, Name: "Store " + u.Email, Slug: strings.ReplaceAll(strings.Split(u.Email, "@")[0], ".", "-"), CreatedAt: start, UpdatedAt: start}
		if _, err := db.NewInsert().Model(&st).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var ids []int64
	if err := db.NewSelect().Model((*models.Product)(nil)).Column("id").Where("seller_id = ?", seller).Scan(ctx, &ids); err != nil {
		b.Fatal(err)
	}
	if len(ids) != 50 {
		b.Fatalf("seller has %d products, want 50", len(ids))
	}
	var images []models.ProductImage
	for _, id := range ids {
		for pos := range 2 {
			key := func(w int) string { return fmt.Sprintf("%064x.webp", id*10+int64(pos)*3+int64(w)) }
			images = append(images, models.ProductImage{ProductID: id, Position: pos, CreatedAt: start,
				Image: models.Image{Alt: "A product photo", Width: 1600, Height: 1200, Variants: models.ImageVariants{
					{Key: key(0), Width: 1600, Height: 1200}, {Key: key(1), Width: 800, Height: 600}, {Key: key(2), Width: 400, Height: 300}}}})
		}
	}
	if _, err := db.NewInsert().Model(&images).Exec(ctx); err != nil {
		b.Fatal(err)
	}
	// What the image service does on every change: the cover on the product's row.
	if _, err := db.ExecContext(ctx, `UPDATE products AS p SET cover_alt = i.alt, cover_width = i.width,
		cover_height = i.height, cover_variants = i.variants
		FROM product_images AS i WHERE i.product_id = p.id AND i.position = 0`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}

	return seller
}

// measureBackend runs call b.N times and reports the PostgreSQL backend's CPU
// per call (the database runs on this machine).
func measureBackend(b *testing.B, db *bun.DB, call func()) {
	b.Helper()
	var pid int
	if err := db.NewRaw("SELECT pg_backend_pid()").Scan(context.Background(), &pid); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	before, appBefore := processCPU(b, pid), ownCPU(b)
	b.ResetTimer()
	for b.Loop() {
		call()
	}
	b.StopTimer()
	if after := processCPU(b, pid); after >= 0 && before >= 0 {
		b.ReportMetric(float64(after-before)/float64(time.Microsecond)/float64(b.N), "pg-µs/op")
	}
	b.ReportMetric(float64(ownCPU(b)-appBefore)/float64(time.Microsecond)/float64(b.N), "app-µs/op")
}

// ownCPU is the CPU time this process has used (GC included).
func ownCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processCPU returns the user and system CPU time of a local process, or -1
// when /proc cannot tell.
func processCPU(b *testing.B, pid int) time.Duration {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		b.Logf("no backend CPU: %v", err)
		return -1
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticksPerSecond
}

package services_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	fiberredis "github.com/gofiber/storage/redis/v3"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// Benchmarks of the queries behind each page, on PostgreSQL seeded like `make
// bench` (1,000 products from 50 sellers). Run with
// `go test -run '^$' -bench . -benchmem ./services`; allocations per call are the
// stable number on a noisy machine.

func seededPostgres(b *testing.B) (*bun.DB, []models.User) {
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
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	users := make([]models.User, 50)
	for i := range users {
		users[i] = models.User{Email: fmt.Sprintf("seller%02d@example.com", i), PasswordHash: "x", CreatedAt: start}
	}
	if _, err := db.NewInsert().Model(&users).Returning("id").Exec(ctx); err != nil {
		b.Fatal(err)
	}
	products := make([]models.Product, 1000)
	for i := range products {
		products[i] = models.Product{SellerID: users[i%len(users)].ID, Name: fmt.Sprintf("Item %d", i),
			Description: "Made to order.", PriceCents: int64(100 + i), CreatedAt: start.Add(time.Duration(i) * time.Minute)}
	}
	if _, err := db.NewInsert().Model(&products).Exec(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return db, users
}

func BenchmarkCatalogQueries(b *testing.B) {
	db, users := seededPostgres(b)
	catalog := services.NewCatalog(db)
	ctx := context.Background()
	b.Run("ListProducts/page1", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := catalog.ListProducts(ctx, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ListProducts/page80", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := catalog.ListProducts(ctx, 80); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ProductByID", func(b *testing.B) {
		b.ReportAllocs()
		var i int64
		for b.Loop() {
			i++
			if _, err := catalog.ProductByID(ctx, 1+i%1000); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Version", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := catalog.Version(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Version/coalesced-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := catalog.Version(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("ProductsBySeller", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := catalog.ProductsBySeller(ctx, users[3].ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UserByID", func(b *testing.B) {
		accounts := services.NewAccounts(db, nil)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := accounts.UserByID(ctx, users[3].ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The check every signed-in request makes (a session must not outlive its
	// user): alone, and under concurrency, where requests share one query.
	b.Run("UserExists", func(b *testing.B) {
		accounts := services.NewAccounts(db, nil)
		b.ReportAllocs()
		for b.Loop() {
			if ok, err := accounts.UserExists(ctx, users[3].ID); err != nil || !ok {
				b.Fatal("user not found", err)
			}
		}
	})
	b.Run("UserExists/batched-parallel", func(b *testing.B) {
		accounts := services.NewAccounts(db, nil)
		b.ReportAllocs()
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				if ok, err := accounts.UserExists(ctx, users[i%len(users)].ID); err != nil || !ok {
					b.Fatal("user not found", err)
				}
			}
		})
	})
}

// BenchmarkRedisPerRequest is the Redis work of a page: the session load of a
// signed-in visitor.
func BenchmarkRedisPerRequest(b *testing.B) {
	url, prefix := testenv.Redis(b)
	rdb, err := services.OpenRedis(url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	sessions := services.NewSessions(services.NewRedisSessionStore(fiberredis.NewFromConnection(rdb), prefix), 30*time.Minute, 12*time.Hour)
	sess, err := sessions.SignIn(ctx, nil, 7, "bench@example.com", services.ClientInfo{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("SessionLoad", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if s, err := sessions.Load(ctx, sess.ID); err != nil || s == nil {
				b.Fatal("session not loaded", err)
			}
		}
	})
}

package services_test

import (
	"context"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

func TestAccounts(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			accounts := services.NewAccounts(db, services.FastHasher(t))
			count := func() int64 {
				n, err := accounts.CountUsers(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}

			t.Run("SignUpStoresOnlyAHash", func(t *testing.T) {
				const pw = "a perfectly fine password"
				u, err := accounts.SignUp(ctx, models.Credentials{Email: "  Seller@Example.COM ", Password: pw})
				if err != nil {
					t.Fatal(err)
				}
				if u.ID == 0 || u.Email != "seller@example.com" {
					t.Fatalf("user %+v", u)
				}
				var stored string
				if err := db.NewSelect().Table("users").Column("password_hash").Where("id = ?", u.ID).Scan(ctx, &stored); err != nil {
					t.Fatal(err)
				}
				if stored == pw || strings.Contains(stored, pw) || !strings.HasPrefix(stored, "$argon2id$") {
					t.Fatalf("stored password %q is not an argon2id hash", stored)
				}
			})

			t.Run("ErrEmptyEmailOrPasswordCreatesNothing", func(t *testing.T) {
				before := count()
				for _, c := range []models.Credentials{
					{Email: "", Password: "a perfectly fine password"},
					{Email: "someone@example.com", Password: ""},
					{Email: "   ", Password: "a perfectly fine password"},
				} {
					_, err := accounts.SignUp(ctx, c)
					if models.ErrorCode(err) != models.EINVALID {
						t.Fatalf("SignUp(%+v) error %v, want EINVALID", c, err)
					}
				}
				if after := count(); after != before {
					t.Fatalf("user count changed from %d to %d", before, after)
				}
			})

			t.Run("ErrEmailTakenCaseInsensitively", func(t *testing.T) {
				before := count()
				_, err := accounts.SignUp(ctx, models.Credentials{Email: "SELLER@example.com", Password: "another fine password"})
				if models.FieldErrors(err)["email"] == "" {
					t.Fatalf("duplicate email: error %v, want a message on email", err)
				}
				if count() != before {
					t.Fatal("a duplicate user was created")
				}
			})

			t.Run("DatabaseRefusesCaseVariantAndEmpty", func(t *testing.T) {
				// The constraint must hold even for code that skips the service.
				_, err := db.NewInsert().Model(&models.User{Email: "Seller@Example.com", PasswordHash: "x"}).Exec(ctx)
				if err == nil {
					t.Fatal("database accepted a case variant of an existing email")
				}
				_, err = db.NewInsert().Model(&models.User{Email: "", PasswordHash: "x"}).Exec(ctx)
				if err == nil {
					t.Fatal("database accepted an empty email")
				}
			})

			t.Run("Authenticate", func(t *testing.T) {
				u, err := accounts.Authenticate(ctx, models.Credentials{Email: "SELLER@example.com ", Password: "a perfectly fine password"})
				if err != nil || u.Email != "seller@example.com" {
					t.Fatalf("Authenticate = %v, %v", u, err)
				}
				wrongPw := func() error {
					_, err := accounts.Authenticate(ctx, models.Credentials{Email: "seller@example.com", Password: "not the password"})
					return err
				}()
				unknown := func() error {
					_, err := accounts.Authenticate(ctx, models.Credentials{Email: "nobody@example.com", Password: "not the password"})
					return err
				}()
				if models.ErrorCode(wrongPw) != models.EUNAUTHORIZED || models.ErrorCode(unknown) != models.EUNAUTHORIZED {
					t.Fatalf("codes %v / %v, want EUNAUTHORIZED for both", models.ErrorCode(wrongPw), models.ErrorCode(unknown))
				}
				if models.ErrorMessage(wrongPw) != models.ErrorMessage(unknown) {
					t.Fatalf("messages differ: %q vs %q", models.ErrorMessage(wrongPw), models.ErrorMessage(unknown))
				}
			})

			t.Run("UserByID", func(t *testing.T) {
				if _, err := accounts.UserByID(ctx, 987654); models.ErrorCode(err) != models.ENOTFOUND {
					t.Fatalf("error %v, want ENOTFOUND", err)
				}
			})
		})
	}
}

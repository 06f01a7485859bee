package models_test

import (
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

func TestCheckSlug(t *testing.T) {
	for _, ok := range []string{"abc", "my-shop", "pots-4-you", "123", "---", "a-b", strings.Repeat("z", 40), "admins", "newt"} {
		if msg := models.CheckSlug(ok); msg != "" {
			t.Errorf("CheckSlug(%q) = %q, want valid", ok, msg)
		}
	}
	for _, bad := range []string{"", "ab", strings.Repeat("z", 41), "My-Shop", "my shop", "my_shop", "my.shop", "pötter",
		"shop/", "../x", "a\x00b", "admin", "api", "new", "edit", "account", "stores", "media", "login"} {
		if models.CheckSlug(bad) == "" {
			t.Errorf("CheckSlug(%q) accepted", bad)
		}
	}
}

func TestIsSlugShaped(t *testing.T) {
	// Reserved words are shaped like slugs: a store may keep one the list gains later.
	for _, ok := range []string{"abc", "admin", "a-1"} {
		if !models.IsSlugShaped(ok) {
			t.Errorf("IsSlugShaped(%q) = false", ok)
		}
	}
	for _, bad := range []string{"ab", "ABC", "a b", strings.Repeat("a", 41), "é-shop"} {
		if models.IsSlugShaped(bad) {
			t.Errorf("IsSlugShaped(%q) = true", bad)
		}
	}
}

func TestStoreInputValidate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		st, err := models.StoreInput{Name: "  Pots & Pans ", Slug: " Pots-And-Pans ", Bio: "Line 1\r\nLine 2\n"}.Validate()
		if err != nil {
			t.Fatal(err)
		}
		if st.Name != "Pots & Pans" || st.Slug != "pots-and-pans" || st.Bio != "Line 1\nLine 2" {
			t.Fatalf("got %+v", st)
		}
	})
	t.Run("Limits", func(t *testing.T) {
		// Characters, not bytes.
		if _, err := (models.StoreInput{Name: strings.Repeat("é", 60), Slug: "abc", Bio: strings.Repeat("ü", 500)}).Validate(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrFields", func(t *testing.T) {
		for _, c := range []struct {
			in    models.StoreInput
			field string
		}{
			{models.StoreInput{Name: "", Slug: "abc"}, "name"},
			{models.StoreInput{Name: "\u200b", Slug: "abc"}, "name"},
			{models.StoreInput{Name: "a\u202eb", Slug: "abc"}, "name"},
			{models.StoreInput{Name: "line\nbreak", Slug: "abc"}, "name"},
			{models.StoreInput{Name: strings.Repeat("é", 61), Slug: "abc"}, "name"},
			{models.StoreInput{Name: "Shop", Slug: "ADMIN"}, "slug"},
			{models.StoreInput{Name: "Shop", Slug: "a"}, "slug"},
			{models.StoreInput{Name: "Shop", Slug: "abc", Bio: strings.Repeat("b", 501)}, "bio"},
			{models.StoreInput{Name: "Shop", Slug: "abc", Bio: "nul\x00"}, "bio"},
		} {
			_, err := c.in.Validate()
			if models.ErrorCode(err) != models.EINVALID || models.FieldErrors(err)[c.field] == "" {
				t.Errorf("%+v: %v, want a message for %s", c.in, err, c.field)
			}
		}
	})
}

func TestSuggestStore(t *testing.T) {
	for email, want := range map[string]models.StoreInput{
		"jane.doe@example.com":           {Name: "jane.doe", Slug: "jane-doe"},
		"Jane.Doe+Shop@example.com":      {Name: "Jane.Doe+Shop", Slug: "jane-doe-shop"},
		"__x__@example.com":              {Name: "__x__", Slug: "x-store"},
		"jo@example.com":                 {Name: "jo", Slug: "jo-store"},
		"admin@example.com":              {Name: "admin", Slug: "admin-store"},
		"élodie@example.com":             {Name: "élodie", Slug: "lodie"},
		"ü@example.com":                  {Name: "ü", Slug: "my-store"},
		`"a@b"@example.com`:              {Name: `"a@b"`, Slug: "a-b"},
		strings.Repeat("ab.", 30) + "@x": {Name: strings.Repeat("ab.", 20), Slug: strings.TrimRight(strings.Repeat("ab-", 14), "-")[:40]},
		"\u200b@example.com":             {Name: "My store", Slug: "my-store"},
	} {
		got := models.SuggestStore(email)
		if got != want {
			t.Errorf("SuggestStore(%q) = %+v, want %+v", email, got, want)
		}
		if _, err := got.Validate(); err != nil {
			t.Errorf("SuggestStore(%q) = %+v is not valid: %v", email, got, err)
		}
	}
}

func TestSlugWithSuffix(t *testing.T) {
	for _, c := range []struct {
		slug string
		n    int
		want string
	}{
		{"pots", 2, "pots-2"},
		{strings.Repeat("a", 40), 2, strings.Repeat("a", 38) + "-2"},
		{strings.Repeat("a", 37) + "-bc", 12, strings.Repeat("a", 37) + "-12"},
		{strings.Repeat("a", 36) + "-bcd", 123, strings.Repeat("a", 36) + "-123"},
	} {
		got := models.SlugWithSuffix(c.slug, c.n)
		if got != c.want || models.CheckSlug(got) != "" {
			t.Errorf("SlugWithSuffix(%q, %d) = %q, want %q", c.slug, c.n, got, c.want)
		}
	}
}

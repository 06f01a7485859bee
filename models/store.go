package models

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// Store limits from the shop's rules.
const (
	StoreNameMaxLength = 60
	StoreSlugMinLength = 3
	StoreSlugMaxLength = 40
	StoreBioMaxLength  = 500
)

// SlugTaken is the message for a slug another store has, or had until lately
// (old slugs keep redirecting to their store: see services.Stores).
const SlugTaken = "That address is taken. Please choose another."

// Store is a seller's public shop front at /stores/{slug}. Every seller has
// one (created with their first product); accounts that only buy have none.
type Store struct {
	bun.BaseModel `bun:"table:stores,alias:st"`

	ID        int64     `bun:"id,pk,autoincrement"`
	UserID    int64     `bun:"user_id,notnull"`
	Name      string    `bun:"name,notnull"`
	Slug      string    `bun:"slug,notnull"`
	Bio       string    `bun:"bio,notnull"` // plain text; its line breaks are kept
	CreatedAt time.Time `bun:"created_at,notnull"`
	UpdatedAt time.Time `bun:"updated_at,notnull"`
}

// Ref returns what a product card or page names the store by.
func (s Store) Ref() StoreRef { return StoreRef{Name: s.Name, Slug: s.Slug} }

// StoreRef is the store a product card or page names and links to.
type StoreRef struct {
	Name string
	Slug string
}

// StoreInput is the raw text of the store form (or of the store fields on a
// seller's first product), kept as typed.
type StoreInput struct {
	Name string
	Slug string
	Bio  string
}

// Validate checks the input and returns the store to save (without ids and
// times), or EINVALID with messages under name, slug and bio. The slug is
// trimmed and lower-cased first: "My-Shop" is the address my-shop.
func (in StoreInput) Validate() (Store, error) {
	var s Store
	fields := map[string]string{}

	s.Name = strings.TrimSpace(in.Name)
	if msg := checkName(s.Name, StoreNameMaxLength); msg != "" {
		fields["name"] = msg
	}

	s.Slug = NormalizeSlug(in.Slug)
	if msg := CheckSlug(s.Slug); msg != "" {
		fields["slug"] = msg
	}

	s.Bio = strings.TrimSpace(strings.ReplaceAll(in.Bio, "\r\n", "\n"))
	if problem := checkText(s.Bio, true); problem != textOK {
		fields["bio"] = problem.message("bio")
	} else if utf8.RuneCountInString(s.Bio) > StoreBioMaxLength {
		fields["bio"] = "Use at most 500 characters."
	}

	if len(fields) > 0 {
		return Store{}, Invalid(fields)
	}
	return s, nil
}

// NormalizeSlug trims and lower-cases a typed slug (or one in a URL).
func NormalizeSlug(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckSlug says why a normalised slug cannot be a store's address, or "" if
// it can: 3 to 40 of a-z, 0-9 and '-', and no word the shop's own pages use.
// Whether another store has it is the service's question.
func CheckSlug(slug string) string {
	switch {
	case slug == "":
		return "Choose an address for your store."
	case strings.ContainsFunc(slug, func(r rune) bool { return !isSlugByte(r) }):
		return "Use only lower-case letters a-z, digits and hyphens (-)."
	case len(slug) < StoreSlugMinLength:
		return "Use at least 3 characters."
	case len(slug) > StoreSlugMaxLength:
		return "Use at most 40 characters."
	case isReservedSlug(slug):
		return "That address is reserved. Please choose another."
	}
	return ""
}

// IsSlugShaped reports whether a normalised slug has a slug's length and
// characters, so that a store may have it (reserved words included: the list
// grows, and stores keep the words they have).
func IsSlugShaped(slug string) bool {
	return len(slug) >= StoreSlugMinLength && len(slug) <= StoreSlugMaxLength &&
		!strings.ContainsFunc(slug, func(r rune) bool { return !isSlugByte(r) })
}

func isSlugByte(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' }

// isReservedSlug reports words the shop uses, or may use, as paths of its own,
// or that would make a store look official. They are not in the database's
// CHECK: the list may grow, and a store that already has a newly reserved word
// keeps it. (A switch rather than a map: no package-level state.)
func isReservedSlug(slug string) bool {
	switch slug {
	case "about", "account", "accounts", "admin", "administrator", "api", "assets", "billing", "cart",
		"checkout", "contact", "dashboard", "delete", "dev", "edit", "favicon", "healthz", "help", "images",
		"login", "logout", "mail", "media", "new", "null", "orders", "password", "privacy", "products",
		"publish", "readyz", "register", "robots", "root", "search", "security", "sell", "seller", "sellers",
		"settings", "signup", "sitemap", "staff", "static", "store", "stores", "support", "system", "terms",
		"undefined", "unpublish", "www":
		return true
	}
	return false
}

// SuggestStore proposes a store for the account with this email, for the form
// that asks for one: the name is the address's local part, the slug that made
// valid (SuggestSlug). The service makes the slug unique.
func SuggestStore(email string) StoreInput {
	local := emailLocalPart(email)
	name := strings.TrimSpace(local)
	if utf8.RuneCountInString(name) > StoreNameMaxLength {
		name = string([]rune(name)[:StoreNameMaxLength])
	}
	if checkName(name, StoreNameMaxLength) != "" {
		name = "My store"
	}
	return StoreInput{Name: name, Slug: SuggestSlug(email)}
}

// SuggestSlug derives a valid slug from an email address's local part:
// lower-cased, every run of other characters (dots, plus signs, accented
// letters) made one hyphen, cut to 40; too short or reserved ones get
// "-store" added ("jo" → "jo-store"). It is not necessarily free.
func SuggestSlug(email string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(emailLocalPart(email)) {
		if isSlugByte(r) && r != '-' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	slug := b.String()
	if len(slug) > StoreSlugMaxLength {
		slug = strings.TrimRight(slug[:StoreSlugMaxLength], "-")
	}
	if slug == "" {
		return "my-store"
	}
	if len(slug) < StoreSlugMinLength || isReservedSlug(slug) {
		slug += "-store"
	}
	return slug
}

// SlugWithSuffix returns slug with "-n" added, shortened so that the result is
// at most 40 characters: the n-th alternative to a taken slug.
func SlugWithSuffix(slug string, n int) string {
	suffix := "-" + strconv.Itoa(n)
	if len(slug)+len(suffix) > StoreSlugMaxLength {
		slug = strings.TrimRight(slug[:StoreSlugMaxLength-len(suffix)], "-")
	}
	return slug + suffix
}

// emailLocalPart is the part of an address before its last '@' (the whole
// text when it has none).
func emailLocalPart(email string) string {
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		return email[:at]
	}
	return email
}

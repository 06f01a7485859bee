package models

// ProductStatus says who can see a product. A deleted product is neither: it
// has a DeletedAt, whatever its status was.
type ProductStatus string

const (
	// ProductPublished: everyone sees it, in every list, store page and search.
	ProductPublished ProductStatus = "published"
	// ProductDraft: only its seller sees it; to anyone else it does not exist.
	ProductDraft ProductStatus = "draft"
)

// IsDraft reports whether only the seller can see the product.
func (p Product) IsDraft() bool { return p.Status == ProductDraft }

// IsDeleted reports whether the seller deleted the product (its row stays for
// past orders).
func (p Product) IsDeleted() bool { return !p.DeletedAt.IsZero() }

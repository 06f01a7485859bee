package paths

import (
	"net/url"
	"strconv"
)

// Seller tools (issue 10): editing, publishing and deleting products, their
// pictures, stores and the files pages show.
const (
	// ProductEditPattern is a product's edit page (GET); POST ProductPattern saves it.
	ProductEditPattern      = "/products/:id/edit"
	ProductPublishPattern   = "/products/:id/publish"   // POST only
	ProductUnpublishPattern = "/products/:id/unpublish" // POST only
	ProductDeletePattern    = "/products/:id/delete"    // POST only: a soft delete
	// ProductImagesPattern takes an upload (multipart field "image", one or more files).
	ProductImagesPattern = "/products/:id/images"
	// ProductImageOrderPattern takes the product's image ids ("image", repeated) in their new order.
	ProductImageOrderPattern  = "/products/:id/images/order"
	ProductImageAltPattern    = "/products/:id/images/:image/alt"    // POST alt
	ProductImageDeletePattern = "/products/:id/images/:image/delete" // POST only

	StorePattern = storeDir + ":slug" // a seller's public store
	AccountStore = "/account/store"   // GET: the store form; POST: save it
	MediaPattern = mediaDir + ":key"  // a stored picture's variant (local blob store)
)

const (
	storeDir = "/stores/"
	mediaDir = "/media/"
)

func productPath(id int64, action string) string {
	return "/products/" + strconv.FormatInt(id, 10) + "/" + action
}

// ProductEdit is the edit page of a seller's product.
func ProductEdit(id int64) string { return productPath(id, "edit") }

// ProductPublish shows a draft to everyone.
func ProductPublish(id int64) string { return productPath(id, "publish") }

// ProductUnpublish makes a product a draft again.
func ProductUnpublish(id int64) string { return productPath(id, "unpublish") }

// ProductDelete deletes a product (softly).
func ProductDelete(id int64) string { return productPath(id, "delete") }

// ProductImages takes new pictures of a product.
func ProductImages(id int64) string { return productPath(id, "images") }

// ProductImageOrder puts a product's pictures in a new order.
func ProductImageOrder(id int64) string { return productPath(id, "images/order") }

// ProductImageAlt describes one of a product's pictures.
func ProductImageAlt(productID, imageID int64) string {
	return productPath(productID, "images/"+strconv.FormatInt(imageID, 10)+"/alt")
}

// ProductImageDelete removes one of a product's pictures.
func ProductImageDelete(productID, imageID int64) string {
	return productPath(productID, "images/"+strconv.FormatInt(imageID, 10)+"/delete")
}

// Store is a seller's public store page.
func Store(slug string) string { return storeDir + url.PathEscape(slug) }

// StorePage is page n of a store's products; page 1 is the store itself.
func StorePage(slug string, n int) string {
	if n <= 1 {
		return Store(slug)
	}
	return Store(slug) + "?page=" + strconv.Itoa(n)
}

// MediaDir is the path prefix of stored pictures served by the app.
const MediaDir = mediaDir

// Media is where the app serves a stored picture's variant (the local blob
// store; with BLOB_URL pages link to the S3 server instead).
func Media(key string) string { return mediaDir + key }

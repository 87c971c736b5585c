package schema

import "github.com/hashicorp/hcl/v2/hclwrite"

// Format returns src in canonical easel (HCL) layout, as easel fmt writes it.
func Format(src []byte) []byte {
	return hclwrite.Format(src)
}

package contract

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/kontrak/kontrak/internal/wire"
	yaml "github.com/pb33f/go-yaml"
)

// extensionTypes is the spec format's vocabulary (specs/README.md): every x-kontrak-* extension and the
// Go type its value decodes into. checkExtensions holds every extension of a spec to it, wherever it
// stands, so that a misspelt key is a load error and never a silently missing fact.
var extensionTypes = map[string]reflect.Type{
	extRoot:    reflect.TypeFor[rootExt](),
	extSource:  reflect.TypeFor[Source](),
	extCodes:   reflect.TypeFor[CodeTable](),
	extBilling: reflect.TypeFor[Billing](),
	extSandbox: reflect.TypeFor[[]SandboxParam](),
	extEnv:     reflect.TypeFor[string](),
	extEnviron: reflect.TypeFor[string](),
	extTokenOp: reflect.TypeFor[string](),
	extSign:    reflect.TypeFor[Signature](),
	extToken:   reflect.TypeFor[Token](),
	extImage:   reflect.TypeFor[ImageRules](),
	extPII:     reflect.TypeFor[map[string]string](),
	extRequest: reflect.TypeFor[RequestRules](),
}

// selfChecked are the extensions whose own decoder is strict and names the operation in its errors
// (decodeCanonical): the walker leaves them to it.
var selfChecked = map[string]bool{extCanonical: true}

// extPrefix marks our extensions; any other x- extension belongs to someone else and is left alone.
const extPrefix = "x-kontrak"

// checkExtensions walks a spec's YAML tree and returns the first x-kontrak-* extension that is unknown or
// holds a key its type does not have, as "POINTER: …" naming the key (the caller adds the file).
func checkExtensions(root *yaml.Node) error {
	return walkExtensions(root, "")
}

func walkExtensions(n *yaml.Node, ptr string) error {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := walkExtensions(c, ptr); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := walkExtensions(c, ptr+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			p := ptr + "/" + wire.Escape(key)
			if key == extPrefix || strings.HasPrefix(key, extPrefix+"-") {
				if selfChecked[key] {
					continue
				}
				t, ok := extensionTypes[key]
				if !ok {
					return fmt.Errorf("%s: unknown extension %q (known: %s)", p, key, strings.Join(ExtensionNames(), ", "))
				}
				if err := checkKeys(val, t, p); err != nil {
					return err
				}
				continue // an extension's value holds no further extensions
			}
			if err := walkExtensions(val, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkKeys reports the first mapping key of n that type t does not know, with its pointer. Wrong kinds
// of value (a list where a string belongs) are left to the decoder, which reports them.
func checkKeys(n *yaml.Node, t reflect.Type, ptr string) error {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		names, types := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			ft, ok := types[key]
			if !ok {
				return fmt.Errorf("%s: unknown key %q (known: %s)", ptr, key, strings.Join(names, ", "))
			}
			if err := checkKeys(n.Content[i+1], ft, ptr+"/"+wire.Escape(key)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for i, c := range n.Content {
			if err := checkKeys(c, t.Elem(), ptr+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := checkKeys(n.Content[i+1], t.Elem(), ptr+"/"+wire.Escape(n.Content[i].Value)); err != nil {
				return err
			}
		}
	}
	return nil
}

// yamlFields lists the keys a struct decodes from, in declaration order, and their types, the way yaml
// names them: the tag's name, else the field name in lower case; "-" and unexported fields are no keys.
func yamlFields(t reflect.Type) ([]string, map[string]reflect.Type) {
	var names []string
	types := map[string]reflect.Type{}
	for _, f := range wire.TaggedFields(t, "yaml", strings.ToLower) {
		names = append(names, f.Name)
		types[f.Name] = f.Type
	}
	return names, types
}

// ExtensionNames lists the x-kontrak-* extensions of the spec format, sorted.
func ExtensionNames() []string { return extensionNames() }

func extensionNames() []string {
	out := make([]string, 0, len(extensionTypes))
	for k := range extensionTypes {
		out = append(out, k)
	}
	for k := range selfChecked {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

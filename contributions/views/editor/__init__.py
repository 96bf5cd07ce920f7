"""The entry editor: the page, its autosave (htmx), documents, the folder picker and YAML view.

Everything the editor posts is parsed by `EditorData`; the services do the writing. The page
works without JavaScript (plain form posts); with htmx it saves as the person types and shows
the checks at each field without reloading.

- `access`: who may open the editor; htmx requests from an expired session.
- `fields`: the editor's inputs (summary, path, examples, attribution) as view objects.
- `findings`: the checks' issues placed at the field they are about, in a person's words.
- `context`: everything the editor templates need, built from the entry.
- `pages`: the editor page (plain posts) and the YAML view.
- `autosave`: save as the person types, and the checks shown at each field.
- `documents`: upload, write, remove and preview the knowledge documents.
- `folders`: the taxonomy folder picker.
"""

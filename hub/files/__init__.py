"""Files people upload to the hub (for now: the `file` inputs of cards and forms).

`POST /api/v1/files` stores one (hub.files.routes), `GET /api/v1/files/{id}` gives it to
whoever may read it (hub.permissions.check_read_upload); docs/api.md ("Files").
"""

"""Where private files (the households' documents) are kept: the local private folder
by default, or an S3-compatible bucket, chosen by the environment (config/settings.py).

Both are the `documents` entry of STORAGES. Models do not hold that backend itself but
`AliasedStorage("documents")`, which looks the backend up at each use: a FileField
resolves its storage once, when the model class is built, and a test (or a restore)
must be able to point the documents somewhere else afterwards.

No private file has a URL, in either backend: a public or signed bucket URL would let a
file out without the application's access check, so the download view streams it.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible

DOCUMENTS = "documents"


def documents_storage() -> Storage:
    """The backend that keeps the documents now (STORAGES["documents"])."""
    return storages[DOCUMENTS]


@deconstructible
class AliasedStorage(Storage):
    """A storage that forwards every call to the STORAGES entry `alias`, looked up at
    each call, and refuses to give URLs."""

    def __init__(self, alias: str = DOCUMENTS):
        self.alias = alias

    @property
    def backend(self) -> Storage:
        return storages[self.alias]

    def url(self, name):
        raise ValueError("Private files have no URL: use the permission-checked view.")

    # Everything else is the backend's.
    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def path(self, name):
        return self.backend.path(name)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def get_alternative_name(self, file_root, file_ext):
        return self.backend.get_alternative_name(file_root, file_ext)

    def get_accessed_time(self, name):
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend.get_created_time(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)


def walk(storage: Storage, path: str = ""):
    """Every file name under `path` in `storage`, sorted, recursively (the Storage API
    only lists one level)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        # A local private folder that no upload has created yet holds nothing.
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from walk(storage, f"{path}/{directory}" if path else directory)


def s3_options(
    *,
    bucket: str,
    endpoint_url: str | None,
    region: str | None,
    access_key: str | None,
    secret_key: str | None,
    server_side_encryption: str,
    kms_key_id: str | None,
    prefix: str,
) -> dict:
    """OPTIONS of django-storages' S3Storage for the documents bucket."""
    object_parameters = {}
    if server_side_encryption and server_side_encryption.lower() != "none":
        object_parameters["ServerSideEncryption"] = server_side_encryption
        if kms_key_id:
            object_parameters["SSEKMSKeyId"] = kms_key_id
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "object_parameters": object_parameters,
        "location": prefix.strip("/"),
        # Never replace a document that has the same name: generate another one.
        "file_overwrite": False,
        # The bucket's own (private) ACL; never a canned public one.
        "default_acl": None,
        # Should anything ask for a URL anyway, it is signed and short-lived.
        "querystring_auth": True,
        "querystring_expire": 60,
        "signature_version": "s3v4",
        # Files over 2 MiB go to a private temporary file while streamed, not memory.
        "max_memory_size": 2 * 1024 * 1024,
    }
    if endpoint_url:
        # MinIO, Ceph, Garage, moto...: buckets in the path, not in the host name.
        options["addressing_style"] = "path"
    return options

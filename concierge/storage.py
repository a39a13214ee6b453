from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files with no public URL at all: staff get them only through an authorised view."""

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_safe

from qualipref.downloads import file_download
from sites.access import get_visible, is_scoped

from .models import Attachment


@require_safe
def download(request, pk):
    """Serve a file only to a user who may read its parent object: 404 for anyone else."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    model = attachment.content_type.model_class()
    if model is None or not is_scoped(model):
        raise Http404
    get_visible(model.objects, request.user, pk=attachment.object_id)
    if attachment.url:
        return redirect(attachment.url)
    return file_download(attachment.file, attachment.original_name)

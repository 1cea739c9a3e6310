"""Tenant-scoped CRUD. No view filters by tenant: the database does (tenancy/isolation.py),
so a view that forgets a filter still cannot leak. Access needs membership (the default
permission, IsTenantMember). A deletion is recorded in the audit trail, in the same transaction."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from {{ cookiecutter.project_slug }}.audit.trail import record

from .models import Project, Task
from .serializers import ProjectSerializer, TaskSerializer
from .tasks import recount_done_tasks


class EnqueuedJobSerializer(serializers.Serializer):
    job_id = serializers.IntegerField(help_text="the id of the background job, in the queue")


class ProjectViewSet(viewsets.ModelViewSet):
    queryset = Project.objects.order_by("id")
    serializer_class = ProjectSerializer

    def perform_destroy(self, instance):
        super().perform_destroy(instance)
        record("project.deleted", instance.name, request=self.request)

    @extend_schema(
        request=None,
        responses={202: EnqueuedJobSerializer},
        description="Recount the project's done tasks in the background; the job runs in this tenant.",
    )
    @action(detail=True, methods=["post"])
    def recount(self, request, pk=None):
        # get_object(): another tenant's project is a 404 here, before anything is enqueued.
        project = self.get_object()
        job_id = recount_done_tasks.defer(project_id=project.pk)
        return Response({"job_id": job_id}, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("project", int, description="Only the tasks of this project.")])
)
class TaskViewSet(viewsets.ModelViewSet):
    queryset = Task.objects.order_by("id")
    serializer_class = TaskSerializer

    def perform_destroy(self, instance):
        super().perform_destroy(instance)
        record("task.deleted", instance.title, request=self.request)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and "project" in self.request.query_params:
            project = serializers.IntegerField().run_validation(self.request.query_params["project"])
            queryset = queryset.filter(project_id=project)
        return queryset

"""Tenant-scoped CRUD. No view filters by tenant: the database does (schema or RLS), so a
view that forgets a filter still cannot leak. Access needs membership (the default
permission, IsTenantMember)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from .models import Project, Task
from .serializers import ProjectSerializer, TaskSerializer


class ProjectViewSet(viewsets.ModelViewSet):
    queryset = Project.objects.order_by("id")
    serializer_class = ProjectSerializer


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("project", int, description="Only the tasks of this project.")])
)
class TaskViewSet(viewsets.ModelViewSet):
    queryset = Task.objects.order_by("id")
    serializer_class = TaskSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and "project" in self.request.query_params:
            project = serializers.IntegerField().run_validation(self.request.query_params["project"])
            queryset = queryset.filter(project_id=project)
        return queryset

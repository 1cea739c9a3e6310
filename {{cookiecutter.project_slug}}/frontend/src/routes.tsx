/**
 * Every page and its URL. A new page: a component in pages/, its URL in paths.ts, a line here
 * (under <RequireSignIn> when it needs a user). The server answers index.html for any path
 * outside /api/, /admin/ and /static/, so each URL here survives a reload and a shared link.
 */
import { Navigate, type RouteObject } from "react-router";

import { RequireSignIn } from "./auth/RequireSignIn";
import { Layout } from "./components/Layout";
import { TenantLayout } from "./components/TenantLayout";
import { AcceptInvitation } from "./pages/AcceptInvitation";
import { Audit } from "./pages/Audit";
import { ForgotPassword } from "./pages/ForgotPassword";
import { Home } from "./pages/Home";
import { Invitations } from "./pages/Invitations";
import { Members } from "./pages/Members";
import { NewTenant } from "./pages/NewTenant";
import { NotFound } from "./pages/NotFound";
import { Project } from "./pages/Project";
import { Projects } from "./pages/Projects";
import { ResetPassword } from "./pages/ResetPassword";
import { SignIn } from "./pages/SignIn";
import { SignUp } from "./pages/SignUp";

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { path: "sign-in", element: <SignIn /> },
      { path: "sign-up", element: <SignUp /> },
      { path: "forgot-password", element: <ForgotPassword /> },
      { path: "reset-password", element: <ResetPassword /> },
      { path: "invitations/accept", element: <AcceptInvitation /> },
      {
        element: <RequireSignIn />,
        children: [
          { index: true, element: <Home /> },
          { path: "tenants/new", element: <NewTenant /> },
          {
            path: "t/:slug",
            element: <TenantLayout />,
            children: [
              { index: true, element: <Navigate to="projects" replace /> },
              { path: "projects", element: <Projects /> },
              { path: "projects/:id", element: <Project /> },
              { path: "members", element: <Members /> },
              { path: "invitations", element: <Invitations /> },
              { path: "audit", element: <Audit /> },
            ],
          },
        ],
      },
      { path: "*", element: <NotFound /> },
    ],
  },
];

import { Link } from "react-router";

import { usePageTitle } from "../app";
import { paths } from "../paths";

/** Any URL the app has no page for. */
export function NotFound() {
  usePageTitle("Not found");
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        This address is not a page of the app. <Link to={paths.home}>Go to your tenants</Link>.
      </p>
    </section>
  );
}

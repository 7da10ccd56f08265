import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Northwind Outfitters", template: "%s · Northwind Outfitters" },
  description: "Demo store of the real-time stock layer for headless Shopify.",
};

/** Only the document; the store and /ops each bring their own frame. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-stone-50 font-sans text-stone-900 antialiased">{children}</body>
    </html>
  );
}
